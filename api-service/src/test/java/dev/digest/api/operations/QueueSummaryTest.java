package dev.digest.api.operations;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.digest.api.support.Tenant;
import dev.digest.common.job.JobQueueConfig;
import dev.digest.common.run.ClaimedRun;
import dev.digest.common.run.RunLedger;
import dev.digest.common.run.RunStatus;
import dev.digest.common.run.WindowTurn;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code GET /api/v1/queue}: the figures PostgreSQL holds per caller, and the stream for the admin. */
@QuarkusTest
class QueueSummaryTest {

    @Inject
    RunLedger ledger;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    JobQueueConfig queue;

    private LedgerWorker worker() {
        return new LedgerWorker(ledger, pool, "worker-summary");
    }

    private static String runNow(Tenant tenant, String digest) {
        return tenant.request().post("/api/v1/digests/{id}/runs", digest).then().statusCode(202).extract().path("id");
    }

    @Test
    void aRunBackingOffIsDelayedAndARunWaitingForItsWindowIsCounted() {
        Tenant tenant = Tenant.create();
        String digest = tenant.digest(tenant.emailTemplate());
        String backingOff = runNow(tenant, digest);
        String waiting = runNow(tenant, digest);
        LedgerWorker worker = worker();

        // The first run fixes its window and fails for now; the second then finds that window
        // open and waits for its turn, as the worker's handler would make it.
        ClaimedRun first = worker.claim(backingOff);
        ledger.fixWindow(first, Instant.now(), Duration.ofDays(1), Duration.ofHours(1)).await().atMost(LedgerWorker.WAIT);
        Instant retryAt = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        worker.retryLater(first, "smtp timed out", null, retryAt);
        WindowTurn turn = ledger.fixWindow(worker.claim(waiting), Instant.now(), Duration.ofDays(1), Duration.ofHours(1))
                .await().atMost(LedgerWorker.WAIT);
        assertTrue(turn.waiting(), turn.toString());

        var summary = tenant.request().get("/api/v1/queue").then().statusCode(200)
                .body("runs.queued", equalTo(2))
                .body("runs.running", equalTo(0))
                .body("runs.delayed", equalTo(1))
                .body("runs.waitingForTurn", equalTo(1))
                .body("runs.cancelled", equalTo(0))
                .body("oldestQueuedAt", notNullValue())
                .extract();
        assertEquals(retryAt, Instant.parse(summary.path("nextAvailableAt")));

        tenant.request().get("/api/v1/runs/{id}", backingOff).then().statusCode(200)
                .body("status", equalTo("queued"))
                .body("nextAttemptAt", equalTo(summary.path("nextAvailableAt")))
                .body("waitingForTurn", equalTo(false))
                .body("error", equalTo("smtp timed out"));
        tenant.request().get("/api/v1/runs/{id}", waiting).then().statusCode(200)
                .body("status", equalTo("queued"))
                .body("nextAttemptAt", nullValue())
                .body("waitingForTurn", equalTo(true));
    }

    @Test
    void theLastHourCountsFinishedRunsAndTheirFailureRate() {
        Tenant tenant = Tenant.create();
        String digest = tenant.digest(tenant.emailTemplate());
        LedgerWorker worker = worker();
        worker.finishedRun(tenant, digest, RunStatus.SUCCEEDED);
        worker.finishedRun(tenant, digest, RunStatus.SUCCEEDED);
        worker.finishedRun(tenant, digest, RunStatus.FAILED);
        worker.finishedRun(tenant, digest, RunStatus.DEAD);

        tenant.request().get("/api/v1/queue").then().statusCode(200)
                .body("runs.succeeded", equalTo(2))
                .body("runs.failed", equalTo(1))
                .body("runs.dead", equalTo(1))
                .body("runs.queued", equalTo(0))
                .body("nextAvailableAt", nullValue())
                .body("oldestQueuedAt", nullValue())
                .body("lastHour.succeeded", equalTo(2))
                .body("lastHour.failed", equalTo(1))
                .body("lastHour.dead", equalTo(1))
                .body("lastHour.skipped", equalTo(0))
                .body("lastHour.failureRate", equalTo(0.5f))
                .body("lastHour.perMinute.succeeded.sum()", equalTo(2))
                .body("lastHour.perMinute.failed.sum()", equalTo(2))
                .body("lastHour.perMinute[0].minute", notNullValue());
    }

    @Test
    void anApplicationKeySeesOnlyItsOwnRunsAndNothingOfTheStream() {
        Tenant own = Tenant.create();
        Tenant other = Tenant.create();
        String otherDigest = other.digest(other.emailTemplate());
        runNow(other, otherDigest);
        runNow(other, otherDigest);
        worker().finishedRun(other, otherDigest, RunStatus.SUCCEEDED);
        runNow(own, own.digest(own.emailTemplate()));

        own.request().get("/api/v1/queue").then().statusCode(200)
                .body("runs.queued", equalTo(1))
                .body("runs.succeeded", equalTo(0))
                .body("lastHour.succeeded", equalTo(0))
                .body("lastHour.failureRate", equalTo(0.0f))
                .body("paused.global", equalTo(false))
                .body("paused.application", equalTo(false))
                .body("paused.applications", nullValue())
                .body("stream", nullValue())
                .body("consumers", nullValue());
        other.request().get("/api/v1/queue").then().statusCode(200)
                .body("runs.queued", equalTo(2))
                .body("runs.succeeded", equalTo(1));
    }

    @Test
    void aKeyWithoutTheReadScopeIsRefused() {
        Tenant tenant = Tenant.create();
        Tenant.as(tenant.newKey("ingest")).get("/api/v1/queue").then().statusCode(403);
    }

    @Test
    void theAdminSeesTheStreamAndItsConsumers() {
        Tenant tenant = Tenant.create();
        runNow(tenant, tenant.digest(tenant.emailTemplate()));
        String stream = queue.stream();
        String group = queue.group();
        String consumer = "summary-test-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            redis.stream(String.class).xgroupCreate(stream, group, "0", new XGroupCreateArgs().mkstream());
        } catch (RuntimeException e) {
            if (!String.valueOf(e.getMessage()).contains("BUSYGROUP")) {
                throw e;
            }
        }
        // A worker's first read makes it a consumer of the group, holding what it read.
        redis.stream(String.class).xreadgroup(group, consumer, stream, ">", new XReadGroupArgs().count(1));
        try {
            long deadLetters = redis.stream(String.class).xlen(queue.deadLetterStream());
            Tenant.asAdmin().get("/api/v1/queue").then().statusCode(200)
                    .body("runs.queued", greaterThanOrEqualTo(1))
                    .body("stream.name", equalTo(stream))
                    .body("stream.length", greaterThanOrEqualTo(1))
                    .body("stream.pending", greaterThanOrEqualTo(1))
                    .body("stream", hasKey("lag"))
                    .body("stream.deadLetters", equalTo((int) deadLetters))
                    .body("consumers.name", hasItem(consumer))
                    .body("consumers.find { it.name == '" + consumer + "' }.pending", equalTo(1))
                    .body("consumers.find { it.name == '" + consumer + "' }.idleMillis", greaterThanOrEqualTo(0))
                    .body("paused.application", nullValue())
                    .body("paused.applications", notNullValue());
        } finally {
            redis.stream(String.class).xgroupDelConsumer(stream, group, consumer);
        }
    }

    @Test
    void aStreamWhoseLagRedisCannotTellStillGivesTheSummary() {
        String stream = queue.stream();
        String group = queue.group();
        try {
            redis.stream(String.class).xgroupCreate(stream, group, "0", new XGroupCreateArgs().mkstream());
        } catch (RuntimeException e) {
            if (!String.valueOf(e.getMessage()).contains("BUSYGROUP")) {
                throw e;
            }
        }
        // An entry deleted before the group read it leaves Redis unable to count the lag.
        String entry = redis.stream(String.class).xadd(stream, Map.of("note", "deleted before delivery"));
        redis.stream(String.class).xdel(stream, entry);

        Tenant.asAdmin().get("/api/v1/queue").then().statusCode(200)
                .body("stream.name", equalTo(stream))
                .body("stream.lag", nullValue());
    }
}
