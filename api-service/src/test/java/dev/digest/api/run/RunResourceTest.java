package dev.digest.api.run;

import static dev.digest.api.support.Problems.assertInvalidField;
import static dev.digest.api.support.Problems.assertProblem;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.digest.api.config.ApiConfig;
import dev.digest.api.support.Tenant;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RunResourceTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    RedisDataSource redis;

    @Inject
    ApiConfig config;

    @Inject
    Pool pool;

    private Map<String, String> jobFor(String streamId) {
        List<StreamMessage<String, String, String>> entries = redis.stream(String.class)
                .xrange(config.queue().stream(), StreamRange.of(streamId, streamId));
        assertEquals(1, entries.size(), "the job is on the stream");
        return entries.get(0).payload();
    }

    @Test
    void runNowQueuesARunAndPutsItsJobOnTheStream() {
        Tenant tenant = Tenant.create();
        String digest = tenant.digest(tenant.emailTemplate());

        var run = tenant.request().post("/api/v1/digests/{id}/runs", digest)
                .then().statusCode(202)
                .body("status", equalTo("queued"))
                .body("trigger", equalTo("manual"))
                .body("digestId", equalTo(digest))
                .body("enqueuedAt", notNullValue())
                .extract();
        String id = run.path("id");
        assertEquals(true, run.header("Location").endsWith("/api/v1/runs/" + id));

        String streamId = pool.preparedQuery("SELECT stream_message_id FROM digest_runs WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(id))).await().atMost(WAIT).iterator().next().getString(0);
        Map<String, String> job = jobFor(streamId);
        assertEquals(id, job.get("runId"));
        assertEquals(digest, job.get("digestId"));
        assertEquals(tenant.applicationId(), job.get("applicationId"));
        assertEquals("1", job.get("attempt"));

        tenant.request().get("/api/v1/runs/{id}", id).then().statusCode(200)
                .body("status", equalTo("queued")).body("emailLogs", hasSize(0));
    }

    @Test
    void aTestRunGoesToTheGivenAddressOnly() {
        Tenant tenant = Tenant.create();
        String digest = tenant.digest(tenant.emailTemplate());
        tenant.request().body(Map.of("to", "me@example.com")).post("/api/v1/digests/{id}/test", digest)
                .then().statusCode(202).body("trigger", equalTo("test")).body("testRecipient", equalTo("me@example.com"));
        assertInvalidField(tenant.request().body(Map.of("to", "not an address")).post("/api/v1/digests/{id}/test", digest), "to");
    }

    @Test
    void aTestRunCarriesItsSampleEventsAndRefusesUnknownTypes() {
        Tenant tenant = Tenant.create();
        tenant.eventType("order.created");
        String digest = tenant.digest(tenant.emailTemplate());
        Map<String, Object> sample = Map.of("type", "order.created", "payload", Map.of("total", 42));

        String id = tenant.request().body(Map.of("to", "me@example.com", "events", List.of(sample)))
                .post("/api/v1/digests/{id}/test", digest)
                .then().statusCode(202).body("trigger", equalTo("test")).extract().path("id");
        String stored = pool.preparedQuery("SELECT test_events::text FROM digest_runs WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(id))).await().atMost(java.time.Duration.ofSeconds(10))
                .iterator().next().getString(0);
        assertEquals(true, stored.contains("\"order.created\"") && stored.contains("\"total\": 42"), stored);

        int runsBefore = runs(digest);
        assertInvalidField(tenant.request().body(Map.of("to", "me@example.com",
                "events", List.of(sample, Map.of("type", "no.such.type", "payload", Map.of()))))
                .post("/api/v1/digests/{id}/test", digest), "events[1].type");
        assertEquals(runsBefore, runs(digest), "a refused test send creates no run");
    }

    private int runs(String digest) {
        return pool.preparedQuery("SELECT count(*) FROM digest_runs WHERE digest_id = $1")
                .execute(Tuple.of(UUID.fromString(digest))).await().atMost(java.time.Duration.ofSeconds(10))
                .iterator().next().getInteger(0);
    }

    @Test
    void runsAreListedNewestFirstAndFiltered() {
        Tenant tenant = Tenant.create();
        String template = tenant.emailTemplate();
        String first = tenant.digest(template);
        String second = tenant.digest(template);
        String a = tenant.request().post("/api/v1/digests/{id}/runs", first).then().extract().path("id");
        String b = tenant.request().post("/api/v1/digests/{id}/runs", second).then().extract().path("id");
        String c = tenant.request().body(Map.of("to", "me@example.com")).post("/api/v1/digests/{id}/test", first)
                .then().extract().path("id");

        tenant.request().get("/api/v1/runs").then().body("items.id", contains(c, b, a));
        tenant.request().queryParam("digestId", first).get("/api/v1/runs").then().body("items.id", contains(c, a));
        tenant.request().queryParam("trigger", "manual").queryParam("limit", 1).get("/api/v1/runs")
                .then().body("items.id", contains(b)).body("nextCursor", notNullValue());
        assertProblem(tenant.request().queryParam("status", "finished").get("/api/v1/runs"), 400, "malformed-request")
                .body("violations.field", contains("status"));
    }

    @Test
    void onlyFailedOrDeadRunsCanBeRetried() {
        Tenant tenant = Tenant.create();
        String digest = tenant.digest(tenant.emailTemplate());
        String id = tenant.request().post("/api/v1/digests/{id}/runs", digest).then().extract().path("id");
        assertProblem(tenant.request().post("/api/v1/runs/{id}/retry", id), 409, "conflict");

        pool.preparedQuery("UPDATE digest_runs SET status = 'dead', attempts = 5, error = 'smtp down' WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(id))).await().atMost(WAIT);
        tenant.request().post("/api/v1/runs/{id}/retry", id).then().statusCode(202)
                .body("status", equalTo("queued")).body("attempts", equalTo(0)).body("enqueuedAt", notNullValue());
    }

    @Test
    void anotherTenantsDigestsAndRunsAreNotFound() {
        Tenant owner = Tenant.create();
        Tenant stranger = Tenant.create();
        String digest = owner.digest(owner.emailTemplate());
        String run = owner.request().post("/api/v1/digests/{id}/runs", digest).then().extract().path("id");

        assertProblem(stranger.request().post("/api/v1/digests/{id}/runs", digest), 404, "not-found");
        assertProblem(stranger.request().get("/api/v1/runs/{id}", run), 404, "not-found");
        assertProblem(stranger.request().post("/api/v1/runs/{id}/retry", run), 404, "not-found");
        assertProblem(Tenant.as(owner.newKey("read")).post("/api/v1/digests/{id}/runs", digest), 403, "forbidden");
    }

    @Test
    void aTestSendCarriesAtMostTheSampleEventLimit() {
        Tenant tenant = Tenant.create();
        String digest = tenant.digest(tenant.emailTemplate());
        List<Map<String, Object>> tooMany = java.util.Collections.nCopies(1001, Map.of("type", "order", "payload", Map.of()));
        assertInvalidField(tenant.request().body(Map.of("to", "me@example.com", "events", tooMany))
                .post("/api/v1/digests/{id}/test", digest), "events");
    }
}
