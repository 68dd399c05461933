package dev.digest.api.operations;

import dev.digest.api.auth.CurrentCaller;
import dev.digest.api.auth.Scope;
import dev.digest.api.openapi.ApiDocumentation;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** What the presented key is: the console signs in with it and shows only what the key may do. */
@Path("/api/v1/me")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = ApiDocumentation.ACCOUNT)
public class WhoAmIResource {

    private static final String APPLICATION = "SELECT name FROM digest_applications WHERE id = $1";

    private final CurrentCaller caller;
    private final Pool pool;

    public WhoAmIResource(CurrentCaller caller, Pool pool) {
        this.caller = caller;
        this.pool = pool;
    }

    @GET
    @Authenticated
    @Operation(summary = "Describe the presented key")
    public Uni<Me> me() {
        if (caller.admin()) {
            return Uni.createFrom().item(new Me(true, null, null, List.of(Scope.READ, Scope.WRITE)));
        }
        UUID application = caller.applicationId();
        List<Scope> scopes = caller.scopes().stream().sorted().toList();
        return pool.preparedQuery(APPLICATION).execute(Tuple.of(application))
                .map(rows -> new Me(false, application,
                        rows.size() == 0 ? null : rows.iterator().next().getString("name"), scopes));
    }

    public record Me(boolean admin, UUID applicationId, String applicationName, List<Scope> scopes) {
    }
}
