package dev.digest.api.auth;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

/**
 * Finds the live key behind a presented secret, in one round trip.
 *
 * <p>It runs on every request, so it uses the reactive client directly rather than an ORM
 * session, and records {@code last_used_at} in the same statement at most once a minute.
 */
@ApplicationScoped
public class ApiKeyLookup {

    private static final String SQL = """
            WITH key AS (
                SELECT id, application_id, scopes, last_used_at
                FROM digest_api_keys
                WHERE key_hash = $1 AND revoked_at IS NULL
            ), touched AS (
                UPDATE digest_api_keys k SET last_used_at = now()
                FROM key
                WHERE k.id = key.id
                  AND (key.last_used_at IS NULL OR key.last_used_at < now() - interval '1 minute')
            )
            SELECT id, application_id, scopes FROM key
            """;

    private final Pool pool;

    public ApiKeyLookup(Pool pool) {
        this.pool = pool;
    }

    /** The caller the key stands for, or null when no live key has that hash. */
    public Uni<Caller> find(String presentedKey) {
        return pool.preparedQuery(SQL)
                .execute(Tuple.of(KeyHashing.sha256Hex(presentedKey)))
                .map(rows -> rows.size() == 0 ? null : toCaller(rows.iterator().next()));
    }

    private static Caller toCaller(Row row) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        Arrays.stream(row.getArrayOfStrings("scopes")).map(Scope::fromWire).forEach(scopes::add);
        return Caller.applicationKey(row.getUUID("application_id"), row.getUUID("id"), scopes);
    }
}
