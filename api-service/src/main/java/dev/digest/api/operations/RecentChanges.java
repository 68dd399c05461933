package dev.digest.api.operations;

import dev.digest.common.WireValue;
import dev.digest.common.run.RunChange;
import dev.digest.common.run.RunStatus;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** What a live stream missed while it was away: runs whose state changed since an instant, as they are now. */
@ApplicationScoped
public class RecentChanges {

    static final int LIMIT = 500;

    // A run that changed since then is active now (queued or running), or finished since then;
    // both are indexed, so the catch-up never scans the whole history.
    private static final String SINCE = """
            SELECT id, application_id, digest_id, status, updated_at FROM digest_runs
            WHERE (status IN ('queued', 'running') OR finished_at > $2)
              AND updated_at > $2 AND ($1::uuid IS NULL OR application_id = $1)
            ORDER BY updated_at
            LIMIT $3
            """;

    private final Pool pool;

    public RecentChanges(Pool pool) {
        this.pool = pool;
    }

    /** Oldest change first; null when more than {@link #LIMIT} changed (the client should reload). */
    public Uni<List<RunChange>> since(UUID applicationId, Instant since) {
        return pool.preparedQuery(SINCE).execute(Tuple.of(applicationId, since.atOffset(ZoneOffset.UTC), LIMIT + 1))
                .map(rows -> {
                    if (rows.size() > LIMIT) {
                        return null;
                    }
                    List<RunChange> changes = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        changes.add(new RunChange(row.getUUID("id"), row.getUUID("application_id"),
                                row.getUUID("digest_id"), WireValue.parse(RunStatus.class, row.getString("status")),
                                row.getOffsetDateTime("updated_at").toInstant()));
                    }
                    return changes;
                });
    }
}
