package dev.digest.api.run;

import dev.digest.api.auth.CurrentCaller;
import dev.digest.api.auth.Roles;
import dev.digest.api.domain.NotFoundException;
import dev.digest.api.openapi.ApiDocumentation;
import dev.digest.api.web.Page;
import dev.digest.api.web.Pagination;
import dev.digest.api.web.ProblemException;
import dev.digest.api.web.ProblemType;
import dev.digest.api.web.Responses;
import dev.digest.api.web.Violation;
import dev.digest.common.WireValue;
import dev.digest.common.run.RunStatus;
import dev.digest.common.run.RunTrigger;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The run history with its email logs and attempts, retries and cancellations. Runs are
 * requested on {@code /digests/{id}/runs}. The admin key sees and acts on every application's
 * runs; an application key only on its own.
 */
@Path("/api/v1/runs")
@RolesAllowed({Roles.READ, Roles.ADMIN})
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = ApiDocumentation.RUNS)
public class RunResource {

    private final RunLauncher launcher;
    private final RunService runs;
    private final CurrentCaller caller;
    private final Pagination pagination;

    public RunResource(RunLauncher launcher, RunService runs, CurrentCaller caller, Pagination pagination) {
        this.launcher = launcher;
        this.runs = runs;
        this.caller = caller;
        this.pagination = pagination;
    }

    @POST
    @Path("/{id}/retry")
    @RolesAllowed({Roles.WRITE, Roles.ADMIN})
    @Operation(summary = "Retry a failed or dead run")
    @APIResponse(responseCode = "202", description = "The run, queued again; Location is where to follow it",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RunResponse.class)))
    @APIResponse(responseCode = "409", description = "The run is not failed or dead")
    public Uni<Response> retry(@PathParam("id") UUID runId) {
        return launcher.retry(caller.applicationId(), runId)
                .map(run -> Responses.accepted("/api/v1/runs/" + run.id(), run));
    }

    /** Re-queues every failed or dead run matching the filter; the answer says how many. */
    @POST
    @Path("/retry")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.WRITE, Roles.ADMIN})
    @Operation(summary = "Retry every failed or dead run that matches a filter")
    public Uni<RetriedRuns> retryMatching(@Valid @NotNull RetryRunsRequest request) {
        return launcher.retryMatching(scope(request.applicationId()), request);
    }

    /** Gives up on a queued run: it is never sent, and its window is left for the digest's next run. */
    @POST
    @Path("/{id}/cancel")
    @RolesAllowed({Roles.WRITE, Roles.ADMIN})
    @Operation(summary = "Cancel a queued run")
    @APIResponse(responseCode = "409", description = "The run is no longer queued")
    public Uni<RunResponse> cancel(@PathParam("id") UUID runId) {
        return runs.cancel(caller.applicationId(), runId).map(RunResponse::from);
    }

    @GET
    @Operation(summary = "List runs")
    public Uni<Page<RunResponse>> list(@QueryParam("digestId") UUID digestId, @QueryParam("status") String status,
            @QueryParam("trigger") String trigger, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("applicationId") UUID applicationId, @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        RunRepository.RunFilter filter = new RunRepository.RunFilter(digestId,
                parse(RunStatus.class, "status", status), parse(RunTrigger.class, "trigger", trigger),
                instant("from", from), instant("to", to));
        return runs.list(scope(applicationId), filter, pagination.of(cursor, limit));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Get a run with its email logs")
    public Uni<RunResponse> get(@PathParam("id") UUID runId) {
        return runs.get(caller.applicationId(), runId);
    }

    /**
     * The application a request acts on: an application key's own (naming another is a 404, as
     * its rows are invisible), or for the admin the one named, or every one (null).
     */
    private UUID scope(UUID requested) {
        if (caller.admin()) {
            return requested;
        }
        if (requested != null && !requested.equals(caller.applicationId())) {
            throw NotFoundException.of("Application");
        }
        return caller.applicationId();
    }

    private static Instant instant(String field, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw ProblemException.invalid(field, "must be an ISO-8601 instant with an offset, e.g. 2026-11-22T08:00:00Z");
        }
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String field, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return WireValue.parse(type, value);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, "Unknown " + field,
                    List.of(new Violation(field, e.getMessage())));
        }
    }
}
