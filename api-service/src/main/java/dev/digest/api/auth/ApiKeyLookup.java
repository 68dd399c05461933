package dev.digest.api.auth;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
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

    /** The identity the key stands for, or null when no live key has that hash. */
    public Uni<SecurityIdentity> find(String presentedKey) {
        return pool.preparedQuery(SQL)
                .execute(Tuple.of(KeyHashing.sha256Hex(presentedKey)))
                .map(rows -> rows.size() == 0 ? null : toIdentity(rows.iterator().next()));
    }

    /** Its scopes as roles, its application and key ids as attributes (see {@link CurrentCaller}). */
    private static SecurityIdentity toIdentity(Row row) {
        UUID keyId = row.getUUID("id");
        QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(keyId.toString()))
                .addAttribute(CurrentCaller.APPLICATION_ID, row.getUUID("application_id"))
                .addAttribute(CurrentCaller.KEY_ID, keyId);
        for (String scope : row.getArrayOfStrings("scopes")) {
            identity.addRole(Scope.fromWire(scope).wire());
        }
        return identity.build();
    }
}
