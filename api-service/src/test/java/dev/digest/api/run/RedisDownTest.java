package dev.digest.api.run;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.digest.api.schedule.Dispatcher;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import dev.digest.api.support.Tenant;
import dev.digest.common.job.JobQueueConfig;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Redis unreachable when a run is requested: the client still gets 202 and the run waits, unpublished. */
@QuarkusTest
@TestProfile(RedisDownTest.NoRedis.class)
class RedisDownTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Port 1 on loopback refuses connections at once. */
    public static class NoRedis implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:1");
        }
    }

    @Inject
    Pool pool;

    @Inject
    JobQueueConfig queue;

    @Inject
    Dispatcher dispatcher;

    private static double metric(String series) {
        String body = io.restassured.RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        return body.lines().filter(line -> line.startsWith(series + " ")).mapToDouble(
                line -> Double.parseDouble(line.substring(series.length() + 1))).findFirst().orElse(0);
    }

    @Test
    void rateLimitsFailOpenWhileRedisIsDown() {
        double uncheckedBefore = metric("digest_rate_limit_unavailable_total");
        Tenant tenant = Tenant.create();
        tenant.request().get("/api/v1/digests").then().statusCode(200).header("RateLimit-Limit", (String) null);
        assertTrue(metric("digest_rate_limit_unavailable_total") >= uncheckedBefore + 3,
                "each request (two admin, one application) was let through unchecked and counted");
    }

    @Test
    void aRunRequestedWhileRedisIsDownIsAcceptedAndLeftForTheRepublisher() {
        double deferredBefore = metric("digest_jobs_enqueued_total{result=\"deferred\"}");
        Tenant tenant = Tenant.create();
        String digest = tenant.digest(tenant.emailTemplate());

        String id = tenant.request().post("/api/v1/digests/{id}/runs", digest)
                .then().statusCode(202)
                .body("status", equalTo("queued"))
                .body("enqueuedAt", nullValue())
                .extract().path("id");

        Row row = pool.preparedQuery("SELECT status, stream_message_id, available_at <= now() + make_interval(secs => $2) AS due"
                + " FROM digest_runs WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(id), (double) queue.publishGrace().toSeconds())).await().atMost(WAIT).iterator().next();
        assertEquals("queued", row.getString("status"));
        assertEquals(null, row.getString("stream_message_id"), "not on the stream");
        assertEquals(true, row.getBoolean("due"), "the re-publisher sends it once the publish grace is over");
        assertEquals(deferredBefore + 1, metric("digest_jobs_enqueued_total{result=\"deferred\"}"));
    }

    @Test
    void runsDispatchedWhileRedisIsDownWaitUnpublishedAndAreNotDoubled() {
        Tenant tenant = Tenant.create();
        String digest = tenant.digest(tenant.emailTemplate());
        Instant now = Instant.now();
        Instant due = now.minusSeconds(20).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        pool.preparedQuery("UPDATE digest_digests SET cron = '0 0 8 * * ?', missed_runs = 'coalesce', next_run_at = $2"
                + " WHERE id = $1").execute(Tuple.of(UUID.fromString(digest), due.atOffset(ZoneOffset.UTC)))
                .await().atMost(WAIT);

        Dispatcher.DispatchReport report = dispatcher.dispatch(now).await().atMost(WAIT);
        dispatcher.dispatch(now.plusSeconds(1)).await().atMost(WAIT);

        assertEquals(0, report.published(), "nothing reached the stream");
        var rows = pool.preparedQuery("SELECT status, stream_message_id, scheduled_for, available_at <= now()"
                + " + make_interval(secs => $2) AS due FROM digest_runs WHERE digest_id = $1")
                .execute(Tuple.of(UUID.fromString(digest), (double) queue.publishGrace().toSeconds()))
                .await().atMost(WAIT);
        assertEquals(1, rows.size(), "one run for the instant, however often dispatch runs");
        Row run = rows.iterator().next();
        assertEquals("queued", run.getString("status"));
        assertEquals(null, run.getString("stream_message_id"));
        assertEquals(due, run.getOffsetDateTime("scheduled_for").toInstant());
        assertEquals(true, run.getBoolean("due"), "the re-publisher sends it once the grace is over");
    }
}
