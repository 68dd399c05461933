package dev.digest.api.tenant;

import dev.digest.api.auth.CurrentCaller;
import dev.digest.api.domain.NotFoundException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * The application a digest request acts for: the caller's own, or, for the admin key (which
 * sees every application), the digest's. Everything after this is the ordinary tenant path.
 */
@ApplicationScoped
public class DigestOwner {

    private static final String OWNER = "SELECT application_id FROM digest_digests WHERE id = $1";

    private final Pool pool;
    private final CurrentCaller caller;

    public DigestOwner(Pool pool, CurrentCaller caller) {
        this.pool = pool;
        this.caller = caller;
    }

    /** The application to act for; a 404 when the admin names a digest that does not exist. */
    public Uni<UUID> of(UUID digestId) {
        if (!caller.admin()) {
            return Uni.createFrom().item(caller.applicationId());
        }
        return pool.preparedQuery(OWNER).execute(Tuple.of(digestId))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID("application_id"))
                .onItem().ifNull().failWith(() -> NotFoundException.of("Digest"));
    }
}
