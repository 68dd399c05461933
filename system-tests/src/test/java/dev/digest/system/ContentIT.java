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
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Content across both packaged services: the api's preview is the email the worker then sends,
 * and the unsubscribe link in that email, posted back to the api, stops the next one.
 * Own database ({@code digest_content}), Redis database 5 and stream names.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContentIT {

    private static final String PG = "127.0.0.1:" + System.getProperty("digest.system.pg-port", "5432");
    private static final String DATABASE = "digest_content";
    private static final String REDIS = "127.0.0.1";
    private static final int REDIS_PORT = Integer.getInteger("digest.system.redis-port", 6379);
    private static final int REDIS_DB = 5;
    private static final String STREAM = "digest:content:jobs";
    private static final String ADMIN_KEY = "content-test-admin-key-0123456789";
    private static final String TEXT = """
            Since {window.start}
            {#for g in groups}{g.name}: {g.count}
            {#for e in g.events}- {e.line}
            {/for}{#if g.more > 0}and {g.more} more
            {/if}{/for}Unsubscribe: {unsubscribeUrl}""";
    private static final String HTML = """
            <h1>{digest.name}</h1>{#for g in groups}<h2>{g.name} ({g.count})</h2><ul>{#for e in g.events}<li>{e.line}</li>{/for}</ul>{#if g.more > 0}<p>and {g.more} more</p>{/if}{/for}<a href="{unsubscribeUrl}">Unsubscribe</a>""";

    private final Path logs = Path.of(System.getProperty("digest.system.logs", "target/system-logs"));
    private final List<ServiceProcess> processes = new ArrayList<>();
    private SmtpSink smtp;
    private Api api;
    private String digestId;
    private String unsubscribeLink;
    private String unsubscribeUrl;

    @BeforeAll
    void startServices() throws Exception {
        try (Connection admin = DriverManager.getConnection("jdbc:postgresql://" + PG + "/postgres", "postgres", "");
                Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
            statement.execute("CREATE DATABASE " + DATABASE);
        }
        try (Redis redis = new Redis(REDIS, REDIS_PORT, REDIS_DB)) {
            redis.call("FLUSHDB");
        }
        smtp = new SmtpSink();
        int apiPort = ServiceProcess.freePort();
        unsubscribeUrl = "http://127.0.0.1:" + apiPort + "/unsubscribe";
        ServiceProcess apiProcess = start("content-api", System.getProperty("digest.api.jar"),
                Map.of("DIGEST_ADMIN_KEY", ADMIN_KEY, "DIGEST_QUEUE_STREAM", STREAM), apiPort);
        apiProcess.awaitReady(Duration.ofSeconds(90));
        start("content-worker", System.getProperty("digest.worker.jar"), Map.of(
                "DIGEST_WORKER_CONSUMER_NAME", "content-worker",
                "DIGEST_WORKER_STREAM", STREAM,
                "DIGEST_WORKER_GROUP", "digest-content-workers",
                "DIGEST_WORKER_DEAD_LETTER_STREAM", "digest:content:dead",
                "QUARKUS_MAILER_HOST", "127.0.0.1",
                "QUARKUS_MAILER_PORT", Integer.toString(smtp.port())), ServiceProcess.freePort())
                .awaitReady(Duration.ofSeconds(90));

        Api admin = new Api(apiProcess::uri, ADMIN_KEY);
        String applicationId = admin.post("/api/v1/applications",
                Map.of("name", "Content test", "slug", "content-" + UUID.randomUUID().toString().substring(0, 8)), 201)
                .get("id").asText();
        api = admin.as(admin.post("/api/v1/applications/" + applicationId + "/api-keys",
                Map.of("name", "content", "scopes", List.of("read", "write", "ingest")), 201).get("key").asText());
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
        digestId = api.post("/api/v1/digests", digest, 201).get("id").asText();
    }

    private ServiceProcess start(String name, String jar, Map<String, String> extra, int port) throws Exception {
        Map<String, String> env = new HashMap<>(extra);
        env.put("DATABASE_URL", "postgresql://postgres@" + PG + "/" + DATABASE);
        env.put("REDIS_URL", "redis://" + REDIS + ":" + REDIS_PORT + "/" + REDIS_DB);
        // The same content settings on both sides, as a deployment must configure them.
        env.put("DIGEST_CONTENT_MAX_EVENTS_PER_TYPE", "3");
        env.put("DIGEST_CONTENT_UNSUBSCRIBE_URL", unsubscribeUrl);
        ServiceProcess process = ServiceProcess.start(name, Path.of(jar), env, logs, port);
        processes.add(process);
        return process;
    }

    @AfterAll
    void stopServices() throws Exception {
        for (ServiceProcess process : processes) {
            process.close();
        }
        if (smtp != null) {
            smtp.close();
        }
    }

    @Test
    @Order(1)
    void thePreviewIsTheEmailTheNextRunSends() throws Exception {
        // A first run fixes where the next window starts (a first window starts a look-back
        // period before whenever it runs, so only later windows can be previewed exactly).
        String first = api.post("/api/v1/digests/" + digestId + "/runs", Map.of(), 202).get("id").asText();
        assertEquals("succeeded", awaitFinished(first).get("status").asText());
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            events.add(Map.of("type", "order", "payload", Map.of("number", i, "customer", "C" + i)));
        }
        events.add(1, Map.of("type", "order", "payload", Map.of("number", 99)));
        events.add(Map.of("type", "note", "payload", Map.of("title", "<script>alert(document.cookie)</script>")));
        String badEvent = api.post("/api/v1/events", Map.of("events", events), 201).get("ids").get(1).asText();

        JsonNode preview = api.get("/api/v1/digests/" + digestId + "/preview", 200);
        JsonNode run = awaitFinished(api.post("/api/v1/digests/" + digestId + "/runs", Map.of(), 202).get("id").asText());

        assertEquals("succeeded", run.get("status").asText());
        assertEquals(preview.get("windowStart").asText(), run.get("windowStart").asText(), "same window");
        assertEquals(6, run.get("eventCount").asInt());
        assertEquals(preview.get("eventCount").asInt(), run.get("eventCount").asInt());
        assertEquals(1, run.get("badEventCount").asInt());
        assertEquals(badEvent, run.get("badEvents").get(0).get("eventId").asText());
        assertTrue(run.get("badEvents").get(0).get("error").asText().contains("customer"));

        assertEquals(awaitFinished(first).get("windowEnd").asText(), run.get("windowStart").asText());
        MimeMessage email = receivedBy("ann@example.com", run.get("id").asText());
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
        unsubscribeLink = header.substring(1, header.length() - 1);
        assertTrue(unsubscribeLink.startsWith(unsubscribeUrl + "/"), unsubscribeLink);
        assertTrue(part(email, "text/plain").endsWith("Unsubscribe: " + unsubscribeLink));
        System.out.printf("%ncontent: preview and sent email identical (subject, %d-char HTML, %d-char text);"
                + " 6 events, 1 left out; List-Unsubscribe %s%n", preview.get("html").asText().length(),
                preview.get("text").asText().length(), header);
    }

    @Test
    @Order(2)
    void theOneClickLinkStopsTheNextDigestForThatRecipientOnly() throws Exception {
        assertTrue(unsubscribeLink != null, "the first test found the link");
        String token = unsubscribeLink.substring(unsubscribeLink.lastIndexOf('/') + 1);
        String tampered = unsubscribeLink.substring(0, unsubscribeLink.lastIndexOf('/') + 1)
                + token.substring(0, 5) + (token.charAt(5) == 'a' ? 'b' : 'a') + token.substring(6);
        HttpResponse<String> refused = oneClick(tampered);
        assertEquals(400, refused.statusCode());
        assertTrue(refused.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));

        // What a mail client does for RFC 8058: POST the body below to the header's URL.
        assertEquals(200, oneClick(unsubscribeLink).statusCode());

        api.post("/api/v1/events", Map.of("type", "note", "payload", Map.of("title", "after")), 201);
        String runId = api.post("/api/v1/digests/" + digestId + "/runs", Map.of(), 202).get("id").asText();
        JsonNode run = awaitFinished(runId);

        assertEquals("succeeded", run.get("status").asText());
        assertEquals(1, run.get("eventCount").asInt(), "the window starts where the first run's ended");
        Map<String, String> logs = new HashMap<>();
        run.get("emailLogs").forEach(log -> logs.put(log.get("recipient").asText(), log.get("status").asText()));
        assertEquals(Map.of("ann@example.com", "skipped", "bob@example.com", "sent"), logs);
        assertEquals(null, receivedByOrNull("ann@example.com", runId));
        assertTrue(receivedByOrNull("bob@example.com", runId) != null);
    }

    private HttpResponse<String> oneClick(String url) throws Exception {
        return api.anonymous(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")));
    }

    private JsonNode awaitFinished(String runId) throws Exception {
        return api.awaitFinished(runId, Duration.ofSeconds(60));
    }

    private MimeMessage receivedBy(String recipient, String runId) throws Exception {
        MimeMessage message = receivedByOrNull(recipient, runId);
        assertTrue(message != null, "no email for " + recipient + " from run " + runId);
        return message;
    }

    /** The run's message to the recipient: its Message-ID starts with the run id. */
    private MimeMessage receivedByOrNull(String recipient, String runId) throws Exception {
        for (MimeMessage message : smtp.messages()) {
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
