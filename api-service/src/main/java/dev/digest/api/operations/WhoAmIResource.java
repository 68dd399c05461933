package dev.digest.api.operations;

import dev.digest.api.auth.Access;
import dev.digest.api.auth.Caller;
import dev.digest.api.auth.CurrentCaller;
import dev.digest.api.auth.Scope;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.UUID;

/** What the presented key is: the console signs in with it and shows only what the key may do. */
@Path("/api/v1/me")
@Produces(MediaType.APPLICATION_JSON)
public class WhoAmIResource {

    private static final String APPLICATION = "SELECT name FROM digest_applications WHERE id = $1";

    private final CurrentCaller caller;
    private final Pool pool;

    public WhoAmIResource(CurrentCaller caller, Pool pool) {
        this.caller = caller;
        this.pool = pool;
    }

    @GET
    @Access(anyKey = true)
    public Uni<Me> me() {
        Caller who = caller.get();
        if (who.admin()) {
            return Uni.createFrom().item(new Me(true, null, null, List.of(Scope.READ, Scope.WRITE)));
        }
        List<Scope> scopes = who.scopes().stream().sorted().toList();
        return pool.preparedQuery(APPLICATION).execute(Tuple.of(who.applicationId()))
                .map(rows -> new Me(false, who.applicationId(),
                        rows.size() == 0 ? null : rows.iterator().next().getString("name"), scopes));
    }

    public record Me(boolean admin, UUID applicationId, String applicationName, List<Scope> scopes) {
    }
}
