package dev.digest.api.unsubscribe;

import dev.digest.api.domain.NotFoundException;
import dev.digest.common.content.Addresses;
import dev.digest.api.web.KeyCursor;
import dev.digest.api.web.Page;
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
 * A digest's unsubscribed addresses as its application manages them: listed page by page in
 * address order (the cursor is the last address), and removed to subscribe an address again.
 */
@ApplicationScoped
public class DigestUnsubscribes {

    private static final String DIGEST_EXISTS = "SELECT 1 FROM digest_digests WHERE application_id = $1 AND id = $2";

    private static final String LIST = """
            SELECT recipient, created_at FROM digest_unsubscribes
            WHERE application_id = $1 AND digest_id = $2 AND ($3::text IS NULL OR recipient > $3)
            ORDER BY recipient
            LIMIT $4
            """;

    private static final String RESUBSCRIBE = """
            DELETE FROM digest_unsubscribes WHERE application_id = $1 AND digest_id = $2 AND recipient = $3
            """;

    private final Pool pool;

    public DigestUnsubscribes(Pool pool) {
        this.pool = pool;
    }

    public Uni<Page<Unsubscribe>> list(UUID applicationId, UUID digestId, String cursor, int limit) {
        String after = KeyCursor.decode("unsubscribes", cursor);
        return requireDigest(applicationId, digestId)
                .chain(() -> pool.preparedQuery(LIST).execute(Tuple.of(applicationId, digestId, after, limit + 1)))
                .map(rows -> {
                    List<Unsubscribe> items = new ArrayList<>();
                    for (Row row : rows) {
                        items.add(new Unsubscribe(row.getString("recipient"),
                                row.getOffsetDateTime("created_at").withOffsetSameInstant(ZoneOffset.UTC).toInstant()));
                    }
                    boolean more = items.size() > limit;
                    List<Unsubscribe> shown = more ? items.subList(0, limit) : items;
                    return new Page<>(List.copyOf(shown), more ? KeyCursor.encode("unsubscribes", shown.get(shown.size() - 1).recipient()) : null);
                });
    }

    /** Subscribes the address again; false when it was not unsubscribed. A missing digest is a 404. */
    public Uni<Boolean> resubscribe(UUID applicationId, UUID digestId, String recipient) {
        return requireDigest(applicationId, digestId)
                .chain(() -> pool.preparedQuery(RESUBSCRIBE)
                        .execute(Tuple.of(applicationId, digestId, Addresses.normalize(recipient))))
                .map(rows -> rows.rowCount() > 0);
    }

    private Uni<Void> requireDigest(UUID applicationId, UUID digestId) {
        return pool.preparedQuery(DIGEST_EXISTS).execute(Tuple.of(applicationId, digestId)).map(rows -> {
            if (rows.size() == 0) {
                throw new NotFoundException("No digest " + digestId);
            }
            return null;
        });
    }
}
