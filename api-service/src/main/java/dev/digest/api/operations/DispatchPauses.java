package dev.digest.api.operations;

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

/**
 * The one writer of dispatch pauses, kept in PostgreSQL so every api replica's dispatcher obeys
 * them on its next tick. Pausing twice keeps the first instant; resuming what is not paused
 * changes nothing.
 */
@ApplicationScoped
public class DispatchPauses {

    private static final String PAUSE_ALL = """
            INSERT INTO digest_dispatch_pause (id) VALUES (true) ON CONFLICT (id) DO NOTHING
            """;
    private static final String RESUME_ALL = "DELETE FROM digest_dispatch_pause";
    private static final String GLOBAL = "SELECT paused_at FROM digest_dispatch_pause";

    private static final String PAUSE_APPLICATION = """
            UPDATE digest_applications SET dispatch_paused_at = COALESCE(dispatch_paused_at, now())
            WHERE id = $1 RETURNING dispatch_paused_at
            """;
    private static final String RESUME_APPLICATION = """
            UPDATE digest_applications SET dispatch_paused_at = NULL WHERE id = $1 RETURNING dispatch_paused_at
            """;
    private static final String PAUSED_APPLICATIONS = """
            SELECT id FROM digest_applications WHERE dispatch_paused_at IS NOT NULL ORDER BY id LIMIT 1000
            """;
    private static final String APPLICATION = "SELECT dispatch_paused_at FROM digest_applications WHERE id = $1";

    private final Pool pool;

    public DispatchPauses(Pool pool) {
        this.pool = pool;
    }

    public Uni<PauseState> setGlobal(boolean paused) {
        return pool.query(paused ? PAUSE_ALL : RESUME_ALL).execute().chain(ignored -> global())
                .map(at -> new PauseState("global", null, at != null, at));
    }

    /** Null when there is no such application. */
    public Uni<PauseState> setApplication(UUID applicationId, boolean paused) {
        return pool.preparedQuery(paused ? PAUSE_APPLICATION : RESUME_APPLICATION).execute(Tuple.of(applicationId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Instant at = instant(rows.iterator().next().getOffsetDateTime("dispatch_paused_at"));
                    return new PauseState("application", applicationId, at != null, at);
                });
    }

    /** When dispatch was paused everywhere; null while it is not. */
    public Uni<Instant> global() {
        return pool.query(GLOBAL).execute()
                .map(rows -> rows.size() == 0 ? null : instant(rows.iterator().next().getOffsetDateTime("paused_at")));
    }

    public Uni<Boolean> applicationPaused(UUID applicationId) {
        return pool.preparedQuery(APPLICATION).execute(Tuple.of(applicationId))
                .map(rows -> rows.size() > 0 && rows.iterator().next().getValue("dispatch_paused_at") != null);
    }

    public Uni<List<UUID>> pausedApplications() {
        return pool.query(PAUSED_APPLICATIONS).execute().map(rows -> {
            List<UUID> ids = new ArrayList<>(rows.size());
            for (Row row : rows) {
                ids.add(row.getUUID("id"));
            }
            return ids;
        });
    }

    private static Instant instant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }

    /** What a pause or resume left: {@code scope} global or application. */
    public record PauseState(String scope, UUID applicationId, boolean paused, Instant pausedAt) {
    }
}
