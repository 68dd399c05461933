package dev.digest.api.unsubscribe;

import dev.digest.api.auth.CurrentCaller;
import dev.digest.api.auth.Roles;
import dev.digest.api.domain.NotFoundException;
import dev.digest.api.openapi.ApiDocumentation;
import dev.digest.api.web.Page;
import dev.digest.api.web.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A digest's unsubscribed addresses: listed with the read scope, subscribed again with the write scope. */
@Path("/api/v1/digests/{digestId}/unsubscribes")
@RolesAllowed(Roles.READ)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = ApiDocumentation.RECIPIENTS)
public class DigestUnsubscribesResource {

    private static final int MAX_LIMIT = 500;

    private final DigestUnsubscribes unsubscribes;
    private final CurrentCaller caller;

    public DigestUnsubscribesResource(DigestUnsubscribes unsubscribes, CurrentCaller caller) {
        this.unsubscribes = unsubscribes;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "List addresses unsubscribed from a digest")
    public Uni<Page<Unsubscribe>> list(@PathParam("digestId") UUID digestId, @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        int size = limit == null ? 50 : limit;
        if (size < 1 || size > MAX_LIMIT) {
            throw ProblemException.invalid("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return unsubscribes.list(caller.applicationId(), digestId, cursor, size);
    }

    /** Subscribes the address again: the digest's next run sends to it. */
    @DELETE
    @Path("/{recipient}")
    @RolesAllowed(Roles.WRITE)
    @Operation(summary = "Subscribe an address to a digest again")
    @APIResponse(responseCode = "204", description = "Subscribed again")
    public Uni<Response> resubscribe(@PathParam("digestId") UUID digestId, @PathParam("recipient") String recipient) {
        return unsubscribes.resubscribe(caller.applicationId(), digestId, recipient).map(removed -> {
            if (!removed) {
                throw new NotFoundException("This address is not unsubscribed from the digest");
            }
            return Response.noContent().build();
        });
    }
}
