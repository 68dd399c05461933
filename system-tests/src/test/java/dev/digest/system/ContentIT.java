package dev.digest.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Content across both packaged services: the api's preview is the email the worker then sends,
 * and the unsubscribe link in that email, posted back to the api, stops the next one.
 * Each test starts a {@link Stack} of its own (database, Redis database 5, stream names, SMTP sink).
 */
class ContentIT {

    private static final String TEXT = """
            Since {window.start}
            {#for g in groups}{g.name}: {g.count}
            {#for e in g.events}- {e.line}
            {/for}{#if g.more > 0}and {g.more} more
            {/if}{/for}Unsubscribe: {unsubscribeUrl}""";
    private static final String HTML = """
            <h1>{digest.name}</h1>{#for g in groups}<h2>{g.name} ({g.count})</h2><ul>{#for e in g.events}<li>{e.line}</li>{/for}</ul>{#if g.more > 0}<p>and {g.more} more</p>{/if}{/for}<a href="{unsubscribeUrl}">Unsubscribe</a>""";

    /** An api and a worker with the same content settings, a tenant with two event types and a digest to two people. */
    private record Shop(SmtpSink smtp, Stack stack, Api api, String digestId, String unsubscribeUrl)
            implements AutoCloseable {

        static Shop open() throws Exception {
            SmtpSink smtp = new SmtpSink();
            int apiPort = ServiceProcess.freePort();
            String unsubscribeUrl = "http://127.0.0.1:" + apiPort + "/unsubscribe";
            Stack stack = Stack.local("content", 5, smtp.port()).apiPort(apiPort);
            try {
                // The same content settings on both sides, as a deployment must configure them.
                for (Map.Entry<String, String> setting : Map.of("DIGEST_CONTENT_MAX_EVENTS_PER_TYPE", "3",
                        "DIGEST_CONTENT_UNSUBSCRIBE_URL", unsubscribeUrl).entrySet()) {
                    stack.apiSetting(setting.getKey(), setting.getValue());
                    stack.workerSetting(setting.getKey(), setting.getValue());
                }
                stack.startApi();
                stack.startWorker("content-worker").awaitReady(Duration.ofSeconds(90));
                Api api = stack.newTenant();
                api.post("/api/v1/event-types", Map.of("key", "order", "name", "Orders",
                        "lineTemplate", "Order {payload.number} for {payload.customer}"), 201);
                api.post("/api/v1/event-types", Map.of("key", "note", "name", "Notes"), 201);
                String templateId = api.post("/api/v1/email-templates", Map.of("name", "Content digest",
                        "subject", "{digest.name}: {eventCount} events", "html", HTML, "text", TEXT), 201).get("id").asText();
                Map<String, Object> digest = new HashMap<>();
                digest.put("name", "Shop <daily>");
                digest.put("cron", "0 0 8 * * ?");
                digest.put("timeZone", "Europe/Paris");
                digest.put("recipients", List.of("ann@example.com", "bob@example.com"));
                digest.put("eventTypes", List.of());
                digest.put("emailTemplateId", templateId);
                digest.put("enabled", false);
                digest.put("emptyWindow", "send");
                String digestId = api.post("/api/v1/digests", digest, 201).get("id").asText();
                return new Shop(smtp, stack, api, digestId, unsubscribeUrl);
            } catch (Exception | AssertionError e) {
                stack.close();
                smtp.close();
                throw e;
            }
        }

        /** Requests a run of the digest and waits for it to finish; the run. */
        JsonNode run() throws Exception {
            return awaitFinished(api.post("/api/v1/digests/" + digestId + "/runs", Map.of(), 202).get("id").asText());
        }

        JsonNode awaitFinished(String runId) {
            return api.awaitFinished(runId, Duration.ofSeconds(60));
        }

        @Override
        public void close() throws Exception {
            try {
                stack.close();
            } finally {
                smtp.close();
            }
        }
    }

    @Test
    void thePreviewIsTheEmailTheNextRunSends() throws Exception {
        try (Shop shop = Shop.open()) {
            Api api = shop.api();
            String digestId = shop.digestId();
            // A first run fixes where the next window starts (a first window starts a look-back
            // period before whenever it runs, so only later windows can be previewed exactly).
            JsonNode first = shop.run();
            assertEquals("succeeded", first.get("status").asText());
            List<Map<String, Object>> events = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                events.add(Map.of("type", "order", "payload", Map.of("number", i, "customer", "C" + i)));
            }
            events.add(1, Map.of("type", "order", "payload", Map.of("number", 99)));
            events.add(Map.of("type", "note", "payload", Map.of("title", "<script>alert(document.cookie)</script>")));
            String badEvent = api.post("/api/v1/events", Map.of("events", events), 201).get("ids").get(1).asText();

            JsonNode preview = api.get("/api/v1/digests/" + digestId + "/preview", 200);
            JsonNode run = shop.run();

            assertEquals("succeeded", run.get("status").asText());
            assertEquals(preview.get("windowStart").asText(), run.get("windowStart").asText(), "same window");
            assertEquals(6, run.get("eventCount").asInt());
            assertEquals(preview.get("eventCount").asInt(), run.get("eventCount").asInt());
            assertEquals(1, run.get("badEventCount").asInt());
            assertEquals(badEvent, run.get("badEvents").get(0).get("eventId").asText());
            assertTrue(run.get("badEvents").get(0).get("error").asText().contains("customer"));

            assertEquals(first.get("windowEnd").asText(), run.get("windowStart").asText());
            MimeMessage email = receivedBy(shop, "ann@example.com", run.get("id").asText());
            assertEquals(preview.get("subject").asText(), email.getSubject());
            assertEquals(preview.get("html").asText().strip(), part(email, "text/html"));
            assertEquals(preview.get("text").asText().strip(), part(email, "text/plain"));
            assertTrue(part(email, "text/plain").contains("Orders: 5\n- Order 1 for C1\n- Order 2 for C2\n- Order 3 for C3\nand 2 more"),
                    part(email, "text/plain"));
            assertTrue(part(email, "text/html").contains("&lt;script&gt;alert(document.cookie)&lt;/script&gt;"));
            assertTrue(!part(email, "text/html").contains("<script>"));
            assertTrue(part(email, "text/html").contains("<h1>Shop &lt;daily&gt;</h1>"));

            String header = email.getHeader("List-Unsubscribe")[0];
            assertEquals("List-Unsubscribe=One-Click", email.getHeader("List-Unsubscribe-Post")[0]);
            String unsubscribeLink = header.substring(1, header.length() - 1);
            assertTrue(unsubscribeLink.startsWith(shop.unsubscribeUrl() + "/"), unsubscribeLink);
            assertTrue(part(email, "text/plain").endsWith("Unsubscribe: " + unsubscribeLink));
            System.out.printf("%ncontent: preview and sent email identical (subject, %d-char HTML, %d-char text);"
                    + " 6 events, 1 left out; List-Unsubscribe %s%n", preview.get("html").asText().length(),
                    preview.get("text").asText().length(), header);
        }
    }

    @Test
    void theOneClickLinkStopsTheNextDigestForThatRecipientOnly() throws Exception {
        try (Shop shop = Shop.open()) {
            Api api = shop.api();
            JsonNode first = shop.run();
            assertEquals("succeeded", first.get("status").asText());
            String header = receivedBy(shop, "ann@example.com", first.get("id").asText()).getHeader("List-Unsubscribe")[0];
            String unsubscribeLink = header.substring(1, header.length() - 1);
            String token = unsubscribeLink.substring(unsubscribeLink.lastIndexOf('/') + 1);
            String tampered = unsubscribeLink.substring(0, unsubscribeLink.lastIndexOf('/') + 1)
                    + token.substring(0, 5) + (token.charAt(5) == 'a' ? 'b' : 'a') + token.substring(6);
            HttpResponse<String> refused = oneClick(api, tampered);
            assertEquals(400, refused.statusCode());
            assertTrue(refused.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));

            // What a mail client does for RFC 8058: POST the body below to the header's URL.
            assertEquals(200, oneClick(api, unsubscribeLink).statusCode());

            api.post("/api/v1/events", Map.of("type", "note", "payload", Map.of("title", "after")), 201);
            JsonNode run = shop.run();
            String runId = run.get("id").asText();

            assertEquals("succeeded", run.get("status").asText());
            assertEquals(1, run.get("eventCount").asInt(), "the window starts where the first run's ended");
            Map<String, String> logs = new HashMap<>();
            run.get("emailLogs").forEach(log -> logs.put(log.get("recipient").asText(), log.get("status").asText()));
            assertEquals(Map.of("ann@example.com", "skipped", "bob@example.com", "sent"), logs);
            assertEquals(null, receivedByOrNull(shop, "ann@example.com", runId));
            assertTrue(receivedByOrNull(shop, "bob@example.com", runId) != null);
        }
    }

    private static HttpResponse<String> oneClick(Api api, String url) throws Exception {
        return api.anonymous(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")));
    }

    private static MimeMessage receivedBy(Shop shop, String recipient, String runId) throws Exception {
        MimeMessage message = receivedByOrNull(shop, recipient, runId);
        assertTrue(message != null, "no email for " + recipient + " from run " + runId);
        return message;
    }

    /** The run's message to the recipient: its Message-ID starts with the run id. */
    private static MimeMessage receivedByOrNull(Shop shop, String recipient, String runId) throws Exception {
        for (MimeMessage message : shop.smtp().messages()) {
            if (message.getAllRecipients()[0].toString().equals(recipient) && message.getMessageID().startsWith("<" + runId)) {
                return message;
            }
        }
        return null;
    }

    private static String part(Part message, String contentType) throws Exception {
        if (message.isMimeType(contentType)) {
            return ((String) message.getContent()).replace("\r\n", "\n").strip();
        }
        if (message.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) message.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart body = multipart.getBodyPart(i);
                String found = part(body, contentType);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
