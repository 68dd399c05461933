package dev.digest.api.unsubscribe;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Unsubscribes, written by the link's owner without an API key; the worker reads them before sending. */
@ApplicationScoped
public class UnsubscribeStore {

    private static final String STATE = """
            SELECT d.name,
                   EXISTS (SELECT 1 FROM digest_unsubscribes u WHERE u.digest_id = d.id AND u.recipient = $2) AS unsubscribed
            FROM digest_digests d WHERE d.id = $1
            """;

    // Idempotent: a second click, or a mail client's POST after the person's, changes nothing.
    private static final String UNSUBSCRIBE = """
            WITH digest AS (SELECT application_id, id, name FROM digest_digests WHERE id = $1),
                 added AS (
                     INSERT INTO digest_unsubscribes (application_id, digest_id, recipient)
                     SELECT application_id, id, $2 FROM digest
                     ON CONFLICT (digest_id, recipient) DO NOTHING)
            SELECT name FROM digest
            """;

    private final Pool pool;

    public UnsubscribeStore(Pool pool) {
        this.pool = pool;
    }

    /** What the page shows: the digest's name and whether the address is already unsubscribed; null when the digest is gone. */
    public Uni<State> state(UUID digestId, String recipient) {
        return pool.preparedQuery(STATE).execute(Tuple.of(digestId, recipient)).map(rows -> {
            if (rows.size() == 0) {
                return null;
            }
            Row row = rows.iterator().next();
            return new State(row.getString("name"), row.getBoolean("unsubscribed"));
        });
    }

    /** Records the unsubscribe; the digest's name, or null when the digest is gone. */
    public Uni<String> unsubscribe(UUID digestId, String recipient) {
        return pool.preparedQuery(UNSUBSCRIBE).execute(Tuple.of(digestId, recipient))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("name"));
    }

    public record State(String digestName, boolean unsubscribed) {
    }
}
