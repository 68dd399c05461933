package dev.digest.api.operations;

import dev.digest.api.auth.CurrentCaller;
import dev.digest.api.auth.Roles;
import dev.digest.api.domain.NotFoundException;
import dev.digest.api.openapi.ApiDocumentation;
import dev.digest.api.run.RunLauncher;
import dev.digest.api.run.RunResponse;
import dev.digest.api.web.Page;
import dev.digest.api.web.Pagination;
import dev.digest.api.web.ProblemException;
import dev.digest.api.web.ProblemType;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/**
 * Queue administration: the summary, dispatch pause and resume, and the dead-letter entries.
 * The admin key sees the whole system; an application key sees its own runs' counts and pauses
 * its own application's dispatch, and nothing of the shared stream.
 */
@Path("/api/v1/queue")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = ApiDocumentation.QUEUE)
public class QueueResource {

    private static final Logger LOG = Logger.getLogger(QueueResource.class);

    private final RunCounts counts;
    private final StreamState streams;
    private final DispatchPauses pauses;
    private final DeadLetters deadLetters;
    private final RunLauncher launcher;
    private final CurrentCaller caller;
    private final Pagination pagination;

    public QueueResource(RunCounts counts, StreamState streams, DispatchPauses pauses, DeadLetters deadLetters,
            RunLauncher launcher, CurrentCaller caller, Pagination pagination) {
        this.counts = counts;
        this.streams = streams;
        this.pauses = pauses;
        this.deadLetters = deadLetters;
        this.launcher = launcher;
        this.caller = caller;
        this.pagination = pagination;
    }

    /**
     * Runs by status with the delayed and waiting counts, the last hour, pauses, and for the
     * admin the stream and its consumers. Redis being unreachable leaves {@code stream} null
     * rather than failing the figures PostgreSQL holds.
     */
    @GET
    @RolesAllowed({Roles.READ, Roles.ADMIN})
    @Operation(summary = "Show the queue: runs by status, pauses, the stream and its consumers")
    public Uni<QueueSummary> summary() {
        boolean admin = caller.admin();
        UUID application = caller.applicationId();
        Uni<StreamState.Snapshot> stream = !admin ? Uni.createFrom().nullItem()
                : streams.read().onFailure().recoverWithItem(failure -> {
                    LOG.debugf("Queue summary without the stream: %s", failure.toString());
                    return null;
                });
        Uni<QueueSummary.Paused> paused = admin
                ? Uni.combine().all().unis(pauses.global(), pauses.pausedApplications())
                        .with((global, applications) -> new QueueSummary.Paused(global != null, null, applications))
                : Uni.combine().all().unis(pauses.global(), pauses.applicationPaused(application))
                        .with((global, own) -> new QueueSummary.Paused(global != null, own, null));
        return Uni.combine().all().unis(counts.of(application), counts.lastHour(application), paused, stream)
                .with((runs, lastHour, pause, snapshot) -> new QueueSummary(runs.runs(), runs.nextAvailableAt(),
                        runs.oldestQueuedAt(), lastHour, pause, snapshot == null ? null : snapshot.stream(),
                        snapshot == null ? null : snapshot.consumers()));
    }

    /** Stops scheduled dispatch: the admin's globally or for one application, an application key's for its own. */
    @POST
    @Path("/pause")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.WRITE, Roles.ADMIN})
    @Operation(summary = "Pause scheduled dispatch")
    public Uni<DispatchPauses.PauseState> pause(@RequestBody(required = false) PauseRequest request) {
        return set(request, true);
    }

    @POST
    @Path("/resume")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.WRITE, Roles.ADMIN})
    @Operation(summary = "Resume scheduled dispatch")
    public Uni<DispatchPauses.PauseState> resume(@RequestBody(required = false) PauseRequest request) {
        return set(request, false);
    }

    /** {@code POST /queue/pause} with no body (any or no Content-Type): as {@code {}}. */
    @POST
    @Path("/pause")
    @RolesAllowed({Roles.WRITE, Roles.ADMIN})
    @Operation(hidden = true)
    public Uni<DispatchPauses.PauseState> pauseWithoutBody() {
        return set(null, true);
    }

    @POST
    @Path("/resume")
    @RolesAllowed({Roles.WRITE, Roles.ADMIN})
    @Operation(hidden = true)
    public Uni<DispatchPauses.PauseState> resumeWithoutBody() {
        return set(null, false);
    }

    private Uni<DispatchPauses.PauseState> set(PauseRequest request, boolean paused) {
        boolean admin = caller.admin();
        UUID named = request == null ? null : request.applicationId();
        if (admin && named == null) {
            return pauses.setGlobal(paused);
        }
        if (!admin && named != null && !named.equals(caller.applicationId())) {
            throw NotFoundException.of("Application");
        }
        UUID application = admin ? named : caller.applicationId();
        return pauses.setApplication(application, paused)
                .onItem().ifNull().failWith(() -> NotFoundException.of("Application"));
    }

    /** Newest first; the cursor is the last entry's id. */
    @GET
    @Path("/dead-letters")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "List dead letters")
    public Uni<Page<DeadLetter>> deadLetters(@QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit) {
        int size = pagination.of(null, limit).limit();
        if (cursor != null && cursor.isEmpty()) {
            cursor = null;
        }
        return deadLetters.page(cursor, size + 1).map(rows -> {
            boolean more = rows.size() > size;
            List<DeadLetter> shown = more ? rows.subList(0, size) : rows;
            return new Page<>(shown, more ? shown.get(shown.size() - 1).id() : null);
        });
    }

    /**
     * Retries the dead letter's run (when it is failed or dead) and removes the entry. A run
     * already back in the queue or finished otherwise is left as it is, and the entry removed:
     * retrying an entry twice does nothing more.
     */
    @POST
    @Path("/dead-letters/{id}/retry")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Retry a dead letter's run and remove the entry")
    @APIResponse(responseCode = "409", description = "The entry points to no run that still exists")
    public Uni<RetriedDeadLetter> retry(@PathParam("id") String id) {
        return deadLetters.get(id).chain(entry -> {
            if (entry.runId() == null || entry.runStatus() == null) {
                throw new ProblemException(ProblemType.CONFLICT,
                        "This dead letter points to no run that still exists; discard it instead");
            }
            Uni<RunResponse> run = "failed".equals(entry.runStatus()) || "dead".equals(entry.runStatus())
                    ? launcher.retry(null, entry.runId())
                    : launcher.find(entry.runId());
            return run.call(() -> deadLetters.remove(id)).map(retried -> new RetriedDeadLetter(id, retried));
        });
    }

    @DELETE
    @Path("/dead-letters/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Discard a dead letter")
    @APIResponse(responseCode = "204", description = "Discarded")
    public Uni<Response> discard(@PathParam("id") String id) {
        return deadLetters.remove(id).map(removed -> {
            if (!removed) {
                throw NotFoundException.of("Dead letter");
            }
            return Response.noContent().build();
        });
    }

    /** A dead letter retried: its entry is gone, and its run is as shown. */
    public record RetriedDeadLetter(String id, RunResponse run) {
    }
}
