package dev.digest.api.run;

import static dev.digest.api.support.Problems.assertInvalidField;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.digest.api.support.Tenant;
import dev.digest.common.job.JobQueueConfig;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

@QuarkusTest
class DigestRunsResourceTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    RedisDataSource redis;

    @Inject
    JobQueueConfig queue;

    @Inject
    Pool pool;

    private Map<String, String> jobFor(String streamId) {
        List<StreamMessage<String, String, String>> entries = redis.stream(String.class)
                .xrange(queue.stream(), StreamRange.of(streamId, streamId));
        assertEquals(1, entries.size(), "the job is on the stream");
        return entries.get(0).payload();
    }

    @Test
    void jobsGoToTheStreamNamedByTheSettingTheWorkersReadToo() {
        String stream = ConfigProvider.getConfig().getValue("digest.queue.stream", String.class);
        assertTrue(stream.endsWith(":api:jobs"), "the test profile's stream, not the default: " + stream);
        Tenant tenant = Tenant.create();
        String id = tenant.request().post("/api/v1/digests/{id}/runs", tenant.digest(tenant.emailTemplate()))
                .then().statusCode(202).extract().path("id");

        String streamId = pool.preparedQuery("SELECT stream_message_id FROM digest_runs WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(id))).await().atMost(WAIT).iterator().next().getString(0);
        List<StreamMessage<String, String, String>> entries = redis.stream(String.class)
                .xrange(stream, StreamRange.of(streamId, streamId));
        assertEquals(id, entries.get(0).payload().get("runId"));
    }

    @Test
    void runNowRequestsArrivingTogetherAreEachPublishedOnce() throws Exception {
        Tenant tenant = Tenant.create();
        String digest = tenant.digest(tenant.emailTemplate());
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try {
            List<Future<String>> requests = new ArrayList<>();
            for (int i = 0; i < 48; i++) {
                requests.add(clients.submit(() -> tenant.request().post("/api/v1/digests/{id}/runs", digest)
                        .then().statusCode(202).body("enqueuedAt", notNullValue()).extract().<String>path("id")));
            }
            Set<String> ids = new HashSet<>();
            for (Future<String> request : requests) {
                ids.add(request.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            }
            assertEquals(48, ids.size());
            List<String> messages = new ArrayList<>();
            for (String id : ids) {
                String streamId = pool.preparedQuery("SELECT stream_message_id FROM digest_runs WHERE id = $1")
                        .execute(Tuple.of(UUID.fromString(id))).await().atMost(WAIT).iterator().next().getString(0);
                assertEquals(id, jobFor(streamId).get("runId"), "each run's recorded message is its own job");
                messages.add(streamId);
            }
            assertEquals(48, new HashSet<>(messages).size(), "one message per run");
        } finally {
            clients.shutdownNow();
        }
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
    void aTestSendCarriesAtMostTheSampleEventLimit() {
        Tenant tenant = Tenant.create();
        String digest = tenant.digest(tenant.emailTemplate());
        List<Map<String, Object>> tooMany = java.util.Collections.nCopies(1001, Map.of("type", "order", "payload", Map.of()));
        assertInvalidField(tenant.request().body(Map.of("to", "me@example.com", "events", tooMany))
                .post("/api/v1/digests/{id}/test", digest), "events");
    }
}
