package dev.digest.api.run;

import dev.digest.api.auth.Roles;
import dev.digest.api.openapi.ApiDocumentation;
import dev.digest.api.tenant.DigestOwner;
import dev.digest.api.web.Responses;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Requests to run a digest now or as a test; each is answered 202 with where to follow the queued run. */
@Path("/api/v1/digests/{id}")
@RolesAllowed(Roles.READ)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = ApiDocumentation.DIGESTS)
public class DigestRunsResource {

    private final RunLauncher launcher;
    private final DigestOwner owner;

    public DigestRunsResource(RunLauncher launcher, DigestOwner owner) {
        this.launcher = launcher;
        this.owner = owner;
    }

    /** Run now: a queued manual run, answered 202 with its Location. */
    @POST
    @Path("/runs")
    @RolesAllowed({Roles.WRITE, Roles.ADMIN})
    @Operation(summary = "Run a digest now")
    @APIResponse(responseCode = "202", description = "The queued run; Location is where to follow it",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RunResponse.class)))
    public Uni<Response> runNow(@PathParam("id") UUID id) {
        return owner.of(id).chain(application -> launcher.runNow(application, id)).map(DigestRunsResource::accepted);
    }

    /** Sends the digest to one address, without moving its window; from sample events if given. */
    @POST
    @Path("/test")
    @RolesAllowed({Roles.WRITE, Roles.ADMIN})
    @Operation(summary = "Send a digest to one address as a test")
    @APIResponse(responseCode = "202", description = "The queued test run; Location is where to follow it",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RunResponse.class)))
    public Uni<Response> test(@PathParam("id") UUID id, @Valid @NotNull TestRunRequest request) {
        return owner.of(id).chain(application -> launcher.test(application, id, request.to().trim(), request.events()))
                .map(DigestRunsResource::accepted);
    }

    private static Response accepted(RunResponse run) {
        return Responses.accepted("/api/v1/runs/" + run.id(), run);
    }
}
