package dev.digest.api.suppression;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * An application's suppression list. Workers and previews read it through
 * {@code ContentStore.unsubscribed}, together with the digest's own unsubscribes.
 */
@ApplicationScoped
public class SuppressionStore {

    private static final String LIST = """
            SELECT address, reason, created_at FROM digest_suppressions
            WHERE application_id = $1 AND ($2::text IS NULL OR address > $2)
            ORDER BY address
            LIMIT $3
            """;

    // Suppressing an address again keeps its first date and takes the newest reason.
    private static final String SUPPRESS = """
            INSERT INTO digest_suppressions (application_id, address, reason) VALUES ($1, $2, $3)
            ON CONFLICT (application_id, address) DO UPDATE SET reason = COALESCE(EXCLUDED.reason, digest_suppressions.reason)
            RETURNING address, reason, created_at, (xmax = 0) AS added
            """;

    private static final String REMOVE = "DELETE FROM digest_suppressions WHERE application_id = $1 AND address = $2";

    private final Pool pool;

    public SuppressionStore(Pool pool) {
        this.pool = pool;
    }

    /** Rows after {@code afterAddress} in address order, {@code fetch} of them at most. */
    public Uni<List<Suppression>> list(UUID applicationId, String afterAddress, int fetch) {
        return pool.preparedQuery(LIST).execute(Tuple.of(applicationId, afterAddress, fetch)).map(rows -> {
            List<Suppression> items = new ArrayList<>();
            rows.forEach(row -> items.add(from(row)));
            return items;
        });
    }

    /** The suppression of the (normalised) address, and whether it is new. */
    public Uni<Added> suppress(UUID applicationId, String address, String reason) {
        return pool.preparedQuery(SUPPRESS).execute(Tuple.of(applicationId, address, reason)).map(rows -> {
            Row row = rows.iterator().next();
            return new Added(from(row), row.getBoolean("added"));
        });
    }

    /** Whether the (normalised) address was suppressed. */
    public Uni<Boolean> remove(UUID applicationId, String address) {
        return pool.preparedQuery(REMOVE).execute(Tuple.of(applicationId, address)).map(rows -> rows.rowCount() > 0);
    }

    private static Suppression from(Row row) {
        return new Suppression(row.getString("address"), row.getString("reason"),
                row.getOffsetDateTime("created_at").withOffsetSameInstant(ZoneOffset.UTC).toInstant());
    }

    /** A suppression and whether this request added it. */
    public record Added(Suppression suppression, boolean isNew) {
    }
}
