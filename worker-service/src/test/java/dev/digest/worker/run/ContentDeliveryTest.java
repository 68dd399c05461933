package dev.digest.worker.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import dev.digest.common.content.UnsubscribeLinks;
import dev.digest.common.content.UnsubscribeTokens;
import dev.digest.common.job.JobQueueConfig;
import dev.digest.worker.support.RunFixture;
import dev.digest.worker.support.TestSmtp;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a digest email contains and who gets it, through the real pipeline: stream, worker,
 * PostgreSQL and SMTP. The test profile lists at most 3 events per type.
 */
@QuarkusTest
class ContentDeliveryTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String TEXT = """
            {#if empty}Nothing happened.{#else}{#for g in groups}{g.name}: {g.count}
            {#for e in g.events}- {e.line}
            {/for}{#if g.more > 0}and {g.more} more
            {/if}{/for}{/if}""";
    private static final String HTML = """
            {#for g in groups}<h2>{g.name}</h2><ul>{#for e in g.events}<li>{e.line}</li>{/for}</ul>{/for}<p>{#if empty}Nothing happened.{/if}</p><a href="{unsubscribeUrl}">Unsubscribe</a>""";
    private static GreenMail smtp;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    JobQueueConfig queue;

    @Inject
    UnsubscribeLinks links;

    @BeforeAll
    static void startSmtp() {
        smtp = TestSmtp.server();
        smtp.start();
    }

    @AfterAll
    static void stopSmtp() {
        smtp.stop();
    }

    private RunFixture fixture(int recipients) {
        return RunFixture.create(pool, redis, queue.stream(), recipients)
                .template("{digest.name}: {eventCount} events", HTML, TEXT)
                .eventType("order", "Orders", "Order {payload.number} for {payload.customer}")
                .eventType("note", "Notes", "{payload.title}");
    }

    private Row run(RunFixture fixture) throws InterruptedException {
        UUID run = fixture.queuedRun();
        fixture.publish(run);
        return fixture.awaitStatus(run, TIMEOUT, "succeeded", "skipped", "failed", "dead");
    }

    @Test
    void eachTypeListsAtMostTheCapThenSaysHowManyMore() throws Exception {
        RunFixture fixture = fixture(1);
        for (int i = 1; i <= 5; i++) {
            fixture.event("order", "{\"number\": " + i + ", \"customer\": \"C" + i + "\"}");
        }
        fixture.event("note", "{\"title\": \"restock\"}");

        Row row = run(fixture);

        assertEquals("succeeded", row.getString("status"));
        assertEquals(6, row.getInteger("event_count"));
        MimeMessage email = only(fixture);
        assertEquals("Orders: 6 events", email.getSubject());
        assertEquals("Notes: 1\n- restock\nOrders: 5\n- Order 1 for C1\n- Order 2 for C2\n- Order 3 for C3\nand 2 more",
                part(email, "text/plain"));
    }

    @Test
    void aTestSendWithSampleEventsRendersThemInsteadOfTheWindow() throws Exception {
        RunFixture fixture = fixture(1);
        fixture.event("order", "{\"number\": 1, \"customer\": \"Real\"}");
        UUID run = fixture.queuedTestRun(fixture.recipients().get(0));
        fixture.update(run, "test_events = '[{\"type\": \"order\", \"payload\": {\"number\": 7, \"customer\": \"Sample\"}},"
                + " {\"type\": \"note\", \"payload\": {\"title\": \"made up\"}}]'::jsonb");
        fixture.publish(run);

        Row row = fixture.awaitStatus(run, TIMEOUT, "succeeded", "skipped", "failed", "dead");

        assertEquals("succeeded", row.getString("status"));
        assertEquals(2, row.getInteger("event_count"));
        assertEquals("Notes: 1\n- made up\nOrders: 1\n- Order 7 for Sample", part(only(fixture), "text/plain"),
                "the samples, not the stored event");
    }

    @Test
    void anEventItsLineCannotRenderIsLeftOutAndNotedOnTheRun() throws Exception {
        RunFixture fixture = fixture(1);
        fixture.event("order", "{\"number\": 1, \"customer\": \"A\"}");
        UUID bad = fixture.event("order", "{\"number\": 2}");
        fixture.event("order", "{\"number\": 3, \"customer\": \"B\"}");

        Row row = run(fixture);

        assertEquals("succeeded", row.getString("status"), "one bad event does not sink the digest");
        assertEquals(2, row.getInteger("event_count"));
        assertEquals(1, row.getInteger("bad_event_count"));
        JsonArray noted = (JsonArray) row.getValue("bad_events");
        assertEquals(bad.toString(), noted.getJsonObject(0).getString("eventId"));
        assertEquals("order", noted.getJsonObject(0).getString("type"));
        assertTrue(noted.getJsonObject(0).getString("error").contains("customer"), noted.encode());
        assertEquals("Orders: 2\n- Order 1 for A\n- Order 3 for B", part(only(fixture), "text/plain"));
    }

    @Test
    void anEmptyWindowIsSkippedWithoutEmailWhenThePolicySaysSkip() throws Exception {
        RunFixture fixture = fixture(2).emptyWindow("skip");

        Row row = run(fixture);

        assertEquals("skipped", row.getString("status"));
        assertEquals(0, row.getInteger("event_count"));
        assertEquals(Map.of(), fixture.emailStatuses(row.getUUID("id")));
        assertEquals(List.of(), received(fixture));
    }

    @Test
    void anEmptyWindowSendsTheNothingHappenedBodyWhenThePolicySaysSend() throws Exception {
        RunFixture fixture = fixture(1).emptyWindow("send");

        Row row = run(fixture);

        assertEquals("succeeded", row.getString("status"));
        MimeMessage email = only(fixture);
        assertEquals("Orders: 0 events", email.getSubject());
        assertEquals("Nothing happened.", part(email, "text/plain"));
    }

    @Test
    void scriptInAPayloadIsEscapedInTheHtmlPart() throws Exception {
        RunFixture fixture = fixture(1);
        fixture.event("note", "{\"title\": \"<script>alert(1)</script><img src=x onerror=alert(2)>\"}");

        run(fixture);

        MimeMessage email = only(fixture);
        String html = part(email, "text/html");
        assertFalse(html.contains("<script>"), html);
        assertFalse(html.contains("<img"), html);
        assertTrue(html.contains("<li>&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;</li>"), html);
        assertTrue(part(email, "text/plain").contains("<script>alert(1)</script>"), "the text part is text");
    }

    @Test
    void everyEmailCarriesOneClickUnsubscribeAndUnsubscribedRecipientsAreSkipped() throws Exception {
        RunFixture fixture = fixture(3);
        fixture.event("note", "{\"title\": \"hello\"}");
        String unsubscribed = fixture.recipients().get(1);
        fixture.unsubscribe(unsubscribed.toUpperCase());

        Row row = run(fixture);

        assertEquals("succeeded", row.getString("status"));
        Map<String, String> statuses = fixture.emailStatuses(row.getUUID("id"));
        assertEquals("skipped", statuses.get(unsubscribed));
        assertEquals("sent", statuses.get(fixture.recipients().get(0)));
        assertEquals("sent", statuses.get(fixture.recipients().get(2)));
        List<MimeMessage> emails = received(fixture);
        assertEquals(2, emails.size());
        UnsubscribeTokens signer = links.tokens().await().atMost(TIMEOUT);
        for (MimeMessage email : emails) {
            String to = email.getAllRecipients()[0].toString();
            assertFalse(to.equals(unsubscribed));
            assertEquals("List-Unsubscribe=One-Click", email.getHeader("List-Unsubscribe-Post")[0]);
            String header = email.getHeader("List-Unsubscribe")[0];
            assertTrue(header.startsWith("<http://localhost:8080/unsubscribe/") && header.endsWith(">"), header);
            String token = header.substring(header.lastIndexOf('/') + 1, header.length() - 1);
            assertEquals(new UnsubscribeTokens.Subscription(fixture.digestId(), to), signer.verify(token).orElseThrow());
            assertTrue(part(email, "text/html").contains(header.substring(1, header.length() - 1)),
                    "the template's link is the header's link");
        }
    }

    private static List<MimeMessage> received(RunFixture fixture) {
        return Arrays.stream(smtp.getReceivedMessages()).filter(message -> {
            try {
                return fixture.recipients().contains(message.getAllRecipients()[0].toString());
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    private static MimeMessage only(RunFixture fixture) {
        List<MimeMessage> emails = received(fixture);
        assertEquals(1, emails.size());
        return emails.get(0);
    }

    /** The decoded body of the message's part of this content type, without surrounding blank space. */
    static String part(Part message, String contentType) throws MessagingException, IOException {
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
