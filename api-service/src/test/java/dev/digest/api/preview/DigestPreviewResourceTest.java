package dev.digest.api.preview;

import static dev.digest.api.support.Problems.assertInvalidField;
import static dev.digest.api.support.Problems.assertProblem;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.digest.api.support.Tenant;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Digest previews render with the worker's content code over real rows; the test profile lists 3 events per type. */
@QuarkusTest
class DigestPreviewResourceTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static final String TEXT = """
            {#for g in groups}{g.name}: {g.count}
            {#for e in g.events}- {e.line}
            {/for}{#if g.more > 0}and {g.more} more
            {/if}{/for}""";
    private static final String HTML = "{#for e in events}<li>{e.line}</li>{/for}<a href=\"{unsubscribeUrl}\">unsubscribe</a>";

    @Inject
    Pool pool;

    private long count(String sql, UUID id) {
        return pool.preparedQuery(sql).execute(Tuple.of(id)).await().atMost(WAIT).iterator().next().getLong(0);
    }

    private static String template(Tenant tenant, String subject, String html, String text) {
        return tenant.request().body(Map.of("name", Tenant.uniqueSlug("tpl"), "subject", subject, "html", html, "text", text))
                .post("/api/v1/email-templates").then().statusCode(201).extract().path("id");
    }

    private static void eventType(Tenant tenant, String key, String name, String lineTemplate) {
        Map<String, Object> body = new HashMap<>(Map.of("key", key, "name", name));
        if (lineTemplate != null) {
            body.put("lineTemplate", lineTemplate);
        }
        tenant.request().body(body).post("/api/v1/event-types").then().statusCode(201);
    }

    private static void ingest(Tenant tenant, List<Map<String, Object>> events) {
        tenant.request().body(Map.of("events", events)).post("/api/v1/events").then().statusCode(201);
    }

    private static String digest(Tenant tenant, String templateId, String emptyWindow) {
        Map<String, Object> body = tenant.digestBody(templateId);
        body.put("emptyWindow", emptyWindow);
        return tenant.request().body(body).post("/api/v1/digests").then().statusCode(201).extract().path("id");
    }

    @Test
    void aDigestPreviewIsWhatARunNowWouldSendAndStoresNothing() {
        Tenant tenant = Tenant.create();
        eventType(tenant, "order", "Orders", "Order {payload.number}");
        eventType(tenant, "note", "Notes", null);
        String digest = digest(tenant, template(tenant, "{digest.name}: {eventCount}", HTML, TEXT), "skip");
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            events.add(Map.of("type", "order", "payload", Map.of("number", i)));
        }
        // Second in line, so it is among the events the listing renders (those after it are only counted).
        events.add(1, Map.of("type", "order", "payload", Map.of("customer", "no number")));
        events.add(Map.of("type", "note", "payload", Map.of("title", "<script>alert(1)</script>")));
        ingest(tenant, events);
        UUID digestId = UUID.fromString(digest);
        long runsBefore = count("SELECT count(*) FROM digest_runs WHERE digest_id = $1", digestId);

        JsonPath preview = tenant.request().get("/api/v1/digests/{id}/preview", digest).then().statusCode(200)
                .body("digestId", equalTo(digest))
                .body("recipient", equalTo("ops@example.com"))
                .body("eventCount", equalTo(6))
                .body("badEventCount", equalTo(1))
                .body("badEvents[0].type", equalTo("order"))
                .body("badEvents[0].error", containsString("number"))
                .body("wouldSkip", equalTo(false))
                .body("unsubscribed", equalTo(false))
                .body("subject", equalTo("Daily orders: 6"))
                .body("html", containsString("<li>{&quot;title&quot;:&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;}</li>"))
                .body("html", not(containsString("<script>")))
                .body("html", containsString("<a href=\"http://localhost:8080/unsubscribe/"))
                .extract().jsonPath();
        assertEquals("Notes: 1\n- {\"title\":\"<script>alert(1)</script>\"}\nOrders: 5\n- Order 1\n- Order 2\n- Order 3\nand 2 more\n",
                preview.getString("text"));
        Instant start = Instant.parse(preview.getString("windowStart"));
        Instant end = Instant.parse(preview.getString("windowEnd"));
        assertEquals(Duration.ofDays(1), Duration.between(start, end), "a first run looks back one day");

        assertEquals(runsBefore, count("SELECT count(*) FROM digest_runs WHERE digest_id = $1", digestId));
        assertEquals(0, count("SELECT count(*) FROM digest_unsubscribes WHERE digest_id = $1", digestId));
    }

    @Test
    void theWindowStartsWhereTheLastSuccessfulRunEnded() {
        Tenant tenant = Tenant.create();
        String digest = digest(tenant, template(tenant, "s", "h", "{window.start}"), "send");
        Instant previousEnd = Instant.now().minusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        pool.preparedQuery("INSERT INTO digest_runs (id, application_id, digest_id, trigger, status, window_start, window_end)"
                        + " VALUES (gen_random_uuid(), $1, $2, 'manual', 'succeeded', $3, $4)")
                .execute(Tuple.of(UUID.fromString(tenant.applicationId()), UUID.fromString(digest),
                        previousEnd.minusSeconds(60).atOffset(java.time.ZoneOffset.UTC), previousEnd.atOffset(java.time.ZoneOffset.UTC)))
                .await().atMost(WAIT);

        tenant.request().get("/api/v1/digests/{id}/preview", digest).then().statusCode(200)
                .body("windowStart", equalTo(previousEnd.toString()))
                .body("text", equalTo(previousEnd.toString()))
                .body("eventCount", equalTo(0))
                .body("wouldSkip", equalTo(false));
    }

    @Test
    void anEmptyWindowOfASkippingDigestSaysItWouldBeSkipped() {
        Tenant tenant = Tenant.create();
        String digest = digest(tenant, template(tenant, "s", "h", "{#if empty}Nothing happened.{/if}"), "skip");
        tenant.request().get("/api/v1/digests/{id}/preview", digest).then().statusCode(200)
                .body("wouldSkip", equalTo(true))
                .body("text", equalTo("Nothing happened."));
    }

    @Test
    void theRecipientMustBeOneOfTheDigestsAndTheDigestTheCallers() {
        Tenant tenant = Tenant.create();
        String digest = digest(tenant, template(tenant, "for {recipient}", "h", "t"), "send");

        tenant.request().queryParam("recipient", "CEO@example.com").get("/api/v1/digests/{id}/preview", digest)
                .then().statusCode(200).body("recipient", equalTo("ceo@example.com")).body("subject", equalTo("for ceo@example.com"));
        assertInvalidField(tenant.request().queryParam("recipient", "stranger@example.com")
                .get("/api/v1/digests/{id}/preview", digest), "recipient");
        assertProblem(Tenant.create().request().get("/api/v1/digests/{id}/preview", digest), 404, "not-found");
    }

    @Test
    void aTemplateThatCannotRenderTheDigestIsExplainedNotSent() {
        Tenant tenant = Tenant.create();
        String digest = digest(tenant, template(tenant, "{digest.owner}", "h", "t"), "send");
        assertInvalidField(tenant.request().get("/api/v1/digests/{id}/preview", digest), "emailTemplate");
    }
}
