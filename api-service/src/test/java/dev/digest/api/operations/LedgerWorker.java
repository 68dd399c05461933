package dev.digest.api.operations;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.digest.api.support.Tenant;
import dev.digest.common.run.ClaimedRun;
import dev.digest.common.run.RunLedger;
import dev.digest.common.run.RunStatus;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Moves runs as a worker does, through the run ledger, so that their rows and attempt history
 * are the real ones: the api has no worker of its own.
 */
final class LedgerWorker {

    static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration LEASE = Duration.ofMinutes(5);

    private final RunLedger ledger;
    private final Pool pool;
    private final String workerId;

    LedgerWorker(RunLedger ledger, Pool pool, String workerId) {
        this.ledger = ledger;
        this.pool = pool;
        this.workerId = workerId;
    }

    /** Claims the run with its stream message, as the consumer that read it would; fails when it cannot. */
    ClaimedRun claim(String runId) {
        ClaimedRun claimed = tryClaim(runId);
        assertNotNull(claimed, "run " + runId + " could be claimed");
        return claimed;
    }

    /** The claim, or null when the run is not due for this worker (still backing off, taken, finished). */
    ClaimedRun tryClaim(String runId) {
        UUID id = UUID.fromString(runId);
        String message = pool.preparedQuery("SELECT stream_message_id FROM digest_runs WHERE id = $1")
                .execute(Tuple.of(id)).await().atMost(WAIT).iterator().next().getString(0);
        // A run put back for a retry has no message until it is published again; a worker
        // holding a redelivered or re-published message claims it with that message's id.
        String claimWith = message != null ? message : System.currentTimeMillis() + "-0";
        return ledger.claim(id, claimWith, workerId, LEASE).await().atMost(WAIT);
    }

    void finish(ClaimedRun run, RunStatus status, String error) {
        var finished = ledger.finish(run, status, 0, error, error == null ? null : "java.io.IOException: " + error,
                List.of()).await().atMost(WAIT);
        assertTrue(finished.done(), "finished " + run.id());
    }

    void retryLater(ClaimedRun run, String error, String errorDetail, Instant availableAt) {
        assertTrue(ledger.retryLater(run, error, errorDetail, availableAt).await().atMost(WAIT),
                "put back " + run.id());
    }

    /** A new run of the digest requested through the API, claimed and finished in {@code status}; its id. */
    String finishedRun(Tenant tenant, String digest, RunStatus status) {
        String id = tenant.request().post("/api/v1/digests/{id}/runs", digest)
                .then().statusCode(202).extract().path("id");
        finish(claim(id), status, status == RunStatus.SUCCEEDED ? null : "smtp refused the message");
        return id;
    }

    /** The run's row as the ledger left it. */
    Row row(String runId) {
        return pool.preparedQuery("SELECT status, stream_message_id, enqueued_at, finished_at FROM digest_runs WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(runId))).await().atMost(WAIT).iterator().next();
    }
}
