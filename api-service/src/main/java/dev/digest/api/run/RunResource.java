package dev.digest.api.run;

import dev.digest.api.auth.Access;
import dev.digest.api.auth.CurrentCaller;
import dev.digest.api.auth.Scope;
import dev.digest.api.web.Page;
import dev.digest.api.web.Pagination;
import dev.digest.api.web.ProblemException;
import dev.digest.api.web.ProblemType;
import dev.digest.api.web.Violation;
import dev.digest.common.WireValue;
import dev.digest.common.run.RunStatus;
import dev.digest.common.run.RunTrigger;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.UUID;

/** The run history with its email logs, and retries. Runs are requested on {@code /digests/{id}/runs}. */
@Path("/api/v1/runs")
@Access(Scope.READ)
@Produces(MediaType.APPLICATION_JSON)
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
    @Access(Scope.WRITE)
    public Uni<Response> retry(@PathParam("id") UUID runId) {
        return launcher.retry(caller.applicationId(), runId).map(RunResource::accepted);
    }

    @GET
    public Uni<Page<RunResponse>> list(@QueryParam("digestId") UUID digestId, @QueryParam("status") String status,
            @QueryParam("trigger") String trigger, @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        RunRepository.RunFilter filter = new RunRepository.RunFilter(digestId,
                parse(RunStatus.class, "status", status), parse(RunTrigger.class, "trigger", trigger));
        return runs.list(caller.applicationId(), filter, pagination.of(cursor, limit));
    }

    @GET
    @Path("/{id}")
    public Uni<RunResponse> get(@PathParam("id") UUID runId) {
        return runs.get(caller.applicationId(), runId);
    }

    /** 202 with the run and where to follow it. */
    public static Response accepted(RunResponse run) {
        return Response.accepted(run).location(URI.create("/api/v1/runs/" + run.id())).build();
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
