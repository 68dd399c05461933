package dev.digest.api.operations;

import static dev.digest.api.support.Problems.assertInvalidField;
import static dev.digest.api.support.Problems.assertProblem;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.digest.api.support.Tenant;
import dev.digest.common.job.JobQueueConfig;
import dev.digest.common.run.ClaimedRun;
import dev.digest.common.run.RunLedger;
import dev.digest.common.run.RunStatus;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What the operations console does with runs: their attempt history, cancelling, retrying in
 * bulk, the list's time filters, and the admin acting on any application's runs.
 */
@QuarkusTest
class RunOperationsTest {

    @Inject
    RunLedger ledger;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    JobQueueConfig queue;

    private static String runNow(Tenant tenant, String digest) {
        return tenant.request().post("/api/v1/digests/{id}/runs", digest).then().statusCode(202).extract().path("id");
    }

    @Test
    void theAttemptHistoryShowsEveryClaimWithItsWorkerAndOutcome() {
        Tenant tenant = Tenant.create();
        String run = runNow(tenant, tenant.digest(tenant.emailTemplate()));
        LedgerWorker first = new LedgerWorker(ledger, pool, "worker-a");
        LedgerWorker second = new LedgerWorker(ledger, pool, "worker-b");

        first.retryLater(first.claim(run), "smtp timed out",
                "java.net.SocketTimeoutException: Read timed out\n\tat dev.digest.worker.mail.Smtp.send",
                Instant.now().plusSeconds(2));
        tenant.request().get("/api/v1/runs/{id}", run).then().statusCode(200)
                .body("status", equalTo("queued"))
                .body("nextAttemptAt", notNullValue())
                .body("attemptHistory", hasSize(1))
                .body("attemptHistory[0].outcome", equalTo("retry"));

        // The second claim succeeds once the backoff is over, as a worker's would.
        AtomicReference<ClaimedRun> retried = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    retried.set(second.tryClaim(run));
                    return retried.get() != null;
                });
        second.finish(retried.get(), RunStatus.SUCCEEDED, null);

        tenant.request().get("/api/v1/runs/{id}", run).then().statusCode(200)
                .body("status", equalTo("succeeded"))
                .body("attempts", equalTo(2))
                .body("nextAttemptAt", nullValue())
                .body("workerId", equalTo("worker-b"))
                .body("attemptHistory", hasSize(2))
                .body("attemptHistory.attempt", contains(1, 2))
                .body("attemptHistory.workerId", contains("worker-a", "worker-b"))
                .body("attemptHistory.outcome", contains("retry", "succeeded"))
                .body("attemptHistory[0].error", equalTo("smtp timed out"))
                .body("attemptHistory[0].errorDetail", startsWith("java.net.SocketTimeoutException: Read timed out"))
                .body("attemptHistory[0].startedAt", notNullValue())
                .body("attemptHistory[0].finishedAt", notNullValue())
                .body("attemptHistory[1].error", nullValue())
                .body("attemptHistory[1].errorDetail", nullValue())
                .body("attemptHistory[1].finishedAt", notNullValue());
    }

    @Test
    void aClaimWhoseWorkerStoppedRenewingItIsShownAsLapsed() {
        Tenant tenant = Tenant.create();
        String run = runNow(tenant, tenant.digest(tenant.emailTemplate()));
        new LedgerWorker(ledger, pool, "worker-gone").claim(run);
        // Another worker takes over the same message from the consumer that stopped.
        ClaimedRun takenOver = new LedgerWorker(ledger, pool, "worker-next").claim(run);

        tenant.request().get("/api/v1/runs/{id}", run).then().statusCode(200)
                .body("status", equalTo("running"))
                .body("workerId", equalTo("worker-next"))
                .body("attemptHistory.workerId", contains("worker-gone", "worker-next"))
                .body("attemptHistory.outcome", contains("lapsed", "running"))
                .body("attemptHistory[0].finishedAt", notNullValue())
                .body("attemptHistory[1].finishedAt", nullValue());
        assertEquals(2, takenOver.attempts());
    }

    @Test
    void aQueuedRunIsCancelledOnceAndAFinishedOneCannotBe() {
        Tenant tenant = Tenant.create();
        String digest = tenant.digest(tenant.emailTemplate());
        String queued = runNow(tenant, digest);

        String finishedAt = tenant.request().post("/api/v1/runs/{id}/cancel", queued).then().statusCode(200)
                .body("id", equalTo(queued))
                .body("status", equalTo("cancelled"))
                .body("finishedAt", notNullValue())
                .extract().path("finishedAt");
        tenant.request().post("/api/v1/runs/{id}/cancel", queued).then().statusCode(200)
                .body("status", equalTo("cancelled"))
                .body("finishedAt", equalTo(finishedAt));
        assertNull(new LedgerWorker(ledger, pool, "worker-cancel").tryClaim(queued),
                "a worker reading the run's job still on the stream finds it gone");

        String succeeded = new LedgerWorker(ledger, pool, "worker-cancel").finishedRun(tenant, digest, RunStatus.SUCCEEDED);
        assertProblem(tenant.request().post("/api/v1/runs/{id}/cancel", succeeded), 409, "conflict");
        tenant.request().get("/api/v1/runs/{id}", succeeded).then().body("status", equalTo("succeeded"));
    }

    @Test
    void cancellingARunThatHeldItsWindowGivesTheNextRunItsTurn() {
        Tenant tenant = Tenant.create();
        String digest = tenant.digest(tenant.emailTemplate());
        String holding = runNow(tenant, digest);
        String waiting = runNow(tenant, digest);
        LedgerWorker worker = new LedgerWorker(ledger, pool, "worker-turn");
        ClaimedRun first = worker.claim(holding);
        ledger.fixWindow(first, Instant.now(), Duration.ofDays(1), Duration.ofHours(1)).await().atMost(LedgerWorker.WAIT);
        worker.retryLater(first, "smtp timed out", null, Instant.now().plus(Duration.ofHours(1)));
        ledger.fixWindow(worker.claim(waiting), Instant.now(), Duration.ofDays(1), Duration.ofHours(1))
                .await().atMost(LedgerWorker.WAIT);
        tenant.request().get("/api/v1/runs/{id}", waiting).then().body("waitingForTurn", equalTo(true));

        tenant.request().post("/api/v1/runs/{id}/cancel", holding).then().statusCode(200)
                .body("status", equalTo("cancelled"))
                .body("nextAttemptAt", nullValue());
        tenant.request().get("/api/v1/runs/{id}", waiting).then()
                .body("status", equalTo("queued"))
                .body("waitingForTurn", equalTo(false));
        tenant.request().get("/api/v1/queue").then()
                .body("runs.cancelled", equalTo(1))
                .body("runs.delayed", equalTo(0))
                .body("runs.waitingForTurn", equalTo(0));
    }

    @Test
    void bulkRetryHonoursTheCreationTimeRange() {
        Tenant tenant = Tenant.create();
        String digest = tenant.digest(tenant.emailTemplate());
        LedgerWorker worker = new LedgerWorker(ledger, pool, "worker-bulk-range");
        String older = worker.finishedRun(tenant, digest, RunStatus.FAILED);
        String newer = worker.finishedRun(tenant, digest, RunStatus.FAILED);
        String newerCreatedAt = tenant.request().get("/api/v1/runs/{id}", newer).then().extract().path("createdAt");

        tenant.request().body(Map.of("to", newerCreatedAt)).post("/api/v1/runs/retry")
                .then().statusCode(200).body("count", equalTo(1));
        tenant.request().get("/api/v1/runs/{id}", older).then().body("status", equalTo("queued"));
        tenant.request().get("/api/v1/runs/{id}", newer).then().body("status", equalTo("failed"));
        tenant.request().body(Map.of("from", newerCreatedAt)).post("/api/v1/runs/retry")
                .then().statusCode(200).body("count", equalTo(1));
        tenant.request().get("/api/v1/runs/{id}", newer).then().body("status", equalTo("queued"));
    }

    @Test
    void anotherTenantsRunCannotBeCancelled() {
        Tenant owner = Tenant.create();
        Tenant stranger = Tenant.create();
        String run = runNow(owner, owner.digest(owner.emailTemplate()));

        assertProblem(stranger.request().post("/api/v1/runs/{id}/cancel", run), 404, "not-found");
        owner.request().get("/api/v1/runs/{id}", run).then().body("status", equalTo("queued"))
                .body("finishedAt", nullValue());
    }

    @Test
    void aReadOnlyKeyMayNeitherCancelNorRetry() {
        Tenant tenant = Tenant.create();
        String digest = tenant.digest(tenant.emailTemplate());
        String run = runNow(tenant, digest);
        String readOnly = tenant.newKey("read");

        assertProblem(Tenant.as(readOnly).post("/api/v1/runs/{id}/cancel", run), 403, "forbidden");
        assertProblem(Tenant.as(readOnly).body(Map.of("digestId", digest)).post("/api/v1/runs/retry"), 403, "forbidden");
        tenant.request().get("/api/v1/runs/{id}", run).then().body("status", equalTo("queued"));
    }

    @Test
    void bulkRetryRequeuesOnlyTheMatchingFailedAndDeadRuns() {
        Tenant tenant = Tenant.create();
        Tenant other = Tenant.create();
        String template = tenant.emailTemplate();
        String digest = tenant.digest(template);
        String sibling = tenant.digest(template);
        String othersDigest = other.digest(other.emailTemplate());
        LedgerWorker worker = new LedgerWorker(ledger, pool, "worker-bulk");
        List<String> matching = List.of(
                worker.finishedRun(tenant, digest, RunStatus.FAILED),
                worker.finishedRun(tenant, digest, RunStatus.FAILED),
                worker.finishedRun(tenant, digest, RunStatus.DEAD));
        String succeeded = worker.finishedRun(tenant, digest, RunStatus.SUCCEEDED);
        String ofSibling = worker.finishedRun(tenant, sibling, RunStatus.FAILED);
        String othersRun = worker.finishedRun(other, othersDigest, RunStatus.FAILED);

        tenant.request().body(Map.of("digestId", digest)).post("/api/v1/runs/retry")
                .then().statusCode(200).body("count", equalTo(3));
        tenant.request().body(Map.of("digestId", digest)).post("/api/v1/runs/retry")
                .then().statusCode(200).body("count", equalTo(0));
        // Naming another tenant's digest matches none of its runs.
        tenant.request().body(Map.of("digestId", othersDigest)).post("/api/v1/runs/retry")
                .then().statusCode(200).body("count", equalTo(0));

        for (String id : matching) {
            tenant.request().get("/api/v1/runs/{id}", id).then().body("status", equalTo("queued"))
                    .body("attempts", equalTo(0)).body("error", nullValue());
            Row row = worker.row(id);
            String message = row.getString("stream_message_id");
            assertNotNull(message, "run " + id + " is on the stream again");
            var job = redis.stream(String.class).xrange(queue.stream(), StreamRange.of(message, message));
            assertEquals(1, job.size());
            assertEquals(id, job.get(0).payload().get("runId"));
        }
        tenant.request().get("/api/v1/runs/{id}", succeeded).then().body("status", equalTo("succeeded"));
        tenant.request().get("/api/v1/runs/{id}", ofSibling).then().body("status", equalTo("failed"));
        other.request().get("/api/v1/runs/{id}", othersRun).then().body("status", equalTo("failed"));
    }

    @Test
    void bulkRetryNarrowsByStatusAndRefusesOthers() {
        Tenant tenant = Tenant.create();
        String digest = tenant.digest(tenant.emailTemplate());
        LedgerWorker worker = new LedgerWorker(ledger, pool, "worker-bulk-status");
        String failed = worker.finishedRun(tenant, digest, RunStatus.FAILED);
        String dead = worker.finishedRun(tenant, digest, RunStatus.DEAD);

        assertInvalidField(tenant.request().body(Map.of("status", "running")).post("/api/v1/runs/retry"), "status");
        tenant.request().body(Map.of("status", "dead")).post("/api/v1/runs/retry")
                .then().statusCode(200).body("count", equalTo(1));
        tenant.request().get("/api/v1/runs/{id}", dead).then().body("status", equalTo("queued"));
        tenant.request().get("/api/v1/runs/{id}", failed).then().body("status", equalTo("failed"));
    }

    @Test
    void theListFiltersByCreationTime() {
        Tenant tenant = Tenant.create();
        String digest = tenant.digest(tenant.emailTemplate());
        String a = runNow(tenant, digest);
        String b = runNow(tenant, digest);
        String c = runNow(tenant, digest);
        String bCreatedAt = tenant.request().get("/api/v1/runs/{id}", b).then().extract().path("createdAt");

        tenant.request().queryParam("from", bCreatedAt).get("/api/v1/runs")
                .then().statusCode(200).body("items.id", contains(c, b));
        tenant.request().queryParam("to", bCreatedAt).get("/api/v1/runs")
                .then().statusCode(200).body("items.id", contains(a));
        tenant.request().queryParam("from", bCreatedAt).queryParam("to", bCreatedAt).get("/api/v1/runs")
                .then().statusCode(200).body("items", hasSize(0));
        assertInvalidField(tenant.request().queryParam("from", "yesterday").get("/api/v1/runs"), "from");
        assertInvalidField(tenant.request().queryParam("to", "2026-11-22T08:00:00").get("/api/v1/runs"), "to");
    }

    @Test
    void theAdminSeesAndCancelsAnyApplicationsRun() {
        Tenant tenant = Tenant.create();
        Tenant other = Tenant.create();
        String run = runNow(tenant, tenant.digest(tenant.emailTemplate()));
        String othersRun = runNow(other, other.digest(other.emailTemplate()));

        Tenant.asAdmin().get("/api/v1/runs/{id}", run).then().statusCode(200)
                .body("applicationId", equalTo(tenant.applicationId()))
                .body("attemptHistory", hasSize(0));
        Tenant.asAdmin().queryParam("applicationId", tenant.applicationId()).get("/api/v1/runs")
                .then().statusCode(200).body("items.id", contains(run));
        Tenant.asAdmin().post("/api/v1/runs/{id}/cancel", run).then().statusCode(200)
                .body("status", equalTo("cancelled"));
        tenant.request().get("/api/v1/runs/{id}", run).then().body("status", equalTo("cancelled"));

        String othersFailed = new LedgerWorker(ledger, pool, "worker-admin").finishedRun(other,
                other.request().get("/api/v1/runs/{id}", othersRun).then().extract().path("digestId"), RunStatus.FAILED);
        Tenant.asAdmin().body(Map.of("applicationId", tenant.applicationId())).post("/api/v1/runs/retry")
                .then().statusCode(200).body("count", equalTo(0));
        other.request().get("/api/v1/runs/{id}", othersFailed).then().body("status", equalTo("failed"));
        Tenant.asAdmin().body(Map.of("applicationId", other.applicationId())).post("/api/v1/runs/retry")
                .then().statusCode(200).body("count", equalTo(1));
        other.request().get("/api/v1/runs/{id}", othersFailed).then().body("status", equalTo("queued"));

        // An application key naming another application finds nothing there.
        assertProblem(tenant.request().queryParam("applicationId", other.applicationId()).get("/api/v1/runs"),
                404, "not-found");
        other.request().get("/api/v1/runs/{id}", othersRun).then().body("status", equalTo("queued"));
    }
}
