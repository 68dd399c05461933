package dev.digest.api.run;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Reads a run's attempt history, which only the run ledger writes. */
@ApplicationScoped
public class RunAttempts {

    private static final String OF_RUN = """
            SELECT attempt, worker_id, started_at, finished_at, outcome, error, error_detail
            FROM digest_run_attempts WHERE run_id = $1 ORDER BY claim
            """;

    private final Pool pool;

    public RunAttempts(Pool pool) {
        this.pool = pool;
    }

    /** Oldest first. The caller has already checked that the run is its own. */
    public Uni<List<Attempt>> of(UUID runId) {
        return pool.preparedQuery(OF_RUN).execute(Tuple.of(runId)).map(rows -> {
            List<Attempt> attempts = new ArrayList<>(rows.size());
            for (Row row : rows) {
                attempts.add(new Attempt(row.getInteger("attempt"), row.getString("worker_id"),
                        instant(row.getOffsetDateTime("started_at")), instant(row.getOffsetDateTime("finished_at")),
                        row.getString("outcome"), row.getString("error"), row.getString("error_detail")));
            }
            return attempts;
        });
    }

    private static Instant instant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }

    /**
     * One claim of the run by a worker: {@code outcome} is running, succeeded, failed, skipped,
     * dead, retry (backing off) or lapsed (its worker stopped renewing the lease);
     * {@code errorDetail} is the failure's exception chain.
     */
    public record Attempt(int attempt, String workerId, Instant startedAt, Instant finishedAt, String outcome,
            String error, String errorDetail) {
    }
}
