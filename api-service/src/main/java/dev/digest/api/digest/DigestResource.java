package dev.digest.api.digest;

import dev.digest.api.auth.CurrentCaller;
import dev.digest.api.auth.Roles;
import dev.digest.api.config.ApiConfig;
import dev.digest.api.openapi.ApiDocumentation;
import dev.digest.api.preview.DigestPreview;
import dev.digest.api.preview.PreviewService;
import dev.digest.api.run.RunLauncher;
import dev.digest.api.run.RunResource;
import dev.digest.api.run.RunResponse;
import dev.digest.api.run.TestRunRequest;
import dev.digest.api.schedule.ScheduleResponse;
import dev.digest.api.web.ExpectedVersion;
import dev.digest.api.web.Page;
import dev.digest.api.web.Pagination;
import dev.digest.api.web.ProblemException;
import dev.digest.api.web.Responses;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The caller's digests, and requests to run one now or as a test. */
@Path("/api/v1/digests")
@RolesAllowed(Roles.READ)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = ApiDocumentation.DIGESTS)
public class DigestResource {

    private final DigestService service;
    private final RunLauncher launcher;
    private final CurrentCaller caller;
    private final Pagination pagination;
    private final Clock clock;
    private final int maxPreview;
    private final PreviewService previews;
    private final DigestOwner owner;

    public DigestResource(DigestService service, RunLauncher launcher, CurrentCaller caller, Pagination pagination,
            Clock clock, ApiConfig config, PreviewService previews, DigestOwner owner) {
        this.previews = previews;
        this.owner = owner;
        this.service = service;
        this.launcher = launcher;
        this.caller = caller;
        this.pagination = pagination;
        this.clock = clock;
        this.maxPreview = config.schedule().maxPreview();
    }

    @POST
    @RolesAllowed(Roles.WRITE)
    @Operation(summary = "Create a digest")
    @APIResponse(responseCode = "201", description = "The digest, with its Location and ETag",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DigestResponse.class)))
    public Uni<Response> create(@Valid @NotNull DigestRequest request) {
        return service.create(caller.applicationId(), request)
                .map(d -> Responses.created("/api/v1/digests/" + d.id, DigestResponse.from(d), d.version));
    }

    /** The admin key lists every application's digests (each names its application). */
    @GET
    @RolesAllowed({Roles.READ, Roles.ADMIN})
    @Operation(summary = "List digests")
    public Uni<Page<DigestResponse>> list(@QueryParam("enabled") Boolean enabled,
            @QueryParam("namePrefix") String namePrefix, @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        return service.list(caller.applicationId(), enabled, namePrefix, pagination.of(cursor, limit));
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.READ, Roles.ADMIN})
    @Operation(summary = "Get a digest")
    @APIResponse(responseCode = "200", description = "The digest, with its ETag",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DigestResponse.class)))
    public Uni<Response> get(@PathParam("id") UUID id) {
        return owner.of(id).chain(application -> service.get(application, id)).map(d -> Responses.ok(DigestResponse.from(d), d.version));
    }

    @PUT
    @Path("/{id}")
    @RolesAllowed(Roles.WRITE)
    @Operation(summary = "Update a digest")
    @APIResponse(responseCode = "200", description = "The digest, with its new ETag",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DigestResponse.class)))
    @APIResponse(responseCode = "409", description = "The body's version is not the current one")
    @APIResponse(responseCode = "412", description = "If-Match names an older version")
    @APIResponse(responseCode = "428", description = "Neither If-Match nor a version was sent")
    public Uni<Response> update(@PathParam("id") UUID id, @Valid @NotNull DigestRequest request,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        ExpectedVersion expected = ExpectedVersion.of(ifMatch, request.version());
        return service.update(caller.applicationId(), id, request, expected)
                .map(d -> Responses.ok(DigestResponse.from(d), d.version));
    }

    /** The next {@code count} instants the digest fires at (default 10), in UTC and in its own zone. */
    @GET
    @Path("/{id}/schedule")
    @RolesAllowed({Roles.READ, Roles.ADMIN})
    @Operation(summary = "Show when a digest fires next")
    public Uni<ScheduleResponse> schedule(@PathParam("id") UUID id, @QueryParam("count") String count) {
        // Parsed here: a query parameter JAX-RS cannot convert would otherwise be a 404.
        int n;
        try {
            n = count == null ? 10 : Integer.parseInt(count.trim());
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > maxPreview) {
            throw ProblemException.invalid("count", "must be a whole number between 1 and " + maxPreview);
        }
        int instants = n;
        return owner.of(id).chain(application -> service.get(application, id)).map(d -> ScheduleResponse.of(d.cron, d.timeZone, d.enabled,
                d.nextRunAt, d.scheduleError, clock.instant(), instants));
    }

    /**
     * The email a run started now would send (to {@code recipient}, default the first), with its
     * window and event count. Sends nothing and stores nothing.
     */
    @GET
    @Path("/{id}/preview")
    @RolesAllowed({Roles.READ, Roles.ADMIN})
    @Operation(summary = "Render the email a run now would send")
    public Uni<DigestPreview> preview(@PathParam("id") UUID id, @QueryParam("recipient") String recipient) {
        return owner.of(id).chain(application -> previews.digest(application, id, recipient));
    }

    /** Run now: a queued manual run, answered 202 with its Location. */
    @POST
    @Path("/{id}/runs")
    @RolesAllowed({Roles.WRITE, Roles.ADMIN})
    @Operation(summary = "Run a digest now")
    @APIResponse(responseCode = "202", description = "The queued run; Location is where to follow it",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RunResponse.class)))
    public Uni<Response> runNow(@PathParam("id") UUID id) {
        return owner.of(id).chain(application -> launcher.runNow(application, id)).map(RunResource::accepted);
    }

    /** Sends the digest to one address, without moving its window; from sample events if given. */
    @POST
    @Path("/{id}/test")
    @RolesAllowed({Roles.WRITE, Roles.ADMIN})
    @Operation(summary = "Send a digest to one address as a test")
    @APIResponse(responseCode = "202", description = "The queued test run; Location is where to follow it",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RunResponse.class)))
    public Uni<Response> test(@PathParam("id") UUID id, @Valid @NotNull TestRunRequest request) {
        return owner.of(id).chain(application -> launcher.test(application, id, request.to().trim(), request.events()))
                .map(RunResource::accepted);
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.WRITE)
    @Operation(summary = "Delete a digest")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Uni<Response> delete(@PathParam("id") UUID id) {
        return service.delete(caller.applicationId(), id).replaceWith(Response.noContent().build());
    }
}
