package dev.digest.api.event;

import dev.digest.api.auth.CurrentCaller;
import dev.digest.api.auth.Roles;
import dev.digest.api.openapi.ApiDocumentation;
import dev.digest.api.web.Page;
import dev.digest.api.web.Pagination;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Event ingestion (ingest scope) and search (read scope). */
@Path("/api/v1/events")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = ApiDocumentation.EVENTS)
public class EventResource {

    private final EventService events;
    private final CurrentCaller caller;
    private final Pagination pagination;

    public EventResource(EventService events, CurrentCaller caller, Pagination pagination) {
        this.events = events;
        this.caller = caller;
        this.pagination = pagination;
    }

    /**
     * One event answers {@code {id}}, a batch {@code {ids}} in request order: 201 when anything
     * was stored, 200 when every event was a replay of an idempotency key already seen.
     */
    @POST
    @RolesAllowed(Roles.INGEST)
    @Operation(summary = "Ingest one event or a batch")
    @APIResponse(responseCode = "201", description = "Stored: {id, replayed} for one event, {ids, created, replayed} "
            + "for a batch, ids in request order",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    @APIResponse(responseCode = "200", description = "Every event replayed an idempotency key already seen; nothing new "
            + "stored. The body is as for 201",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    public Uni<Response> ingest(@NotNull IngestRequest request) {
        return events.ingest(caller.applicationId(), request).map(result -> {
            Object body = request.isBatch()
                    ? Map.of("ids", result.ids(), "created", result.created(), "replayed", result.replayed())
                    : Map.of("id", result.ids().get(0), "replayed", result.replayed() == 1);
            return Response.status(result.created() > 0 ? Response.Status.CREATED : Response.Status.OK)
                    .entity(body).build();
        });
    }

    @GET
    @RolesAllowed(Roles.READ)
    @Operation(summary = "List and search events")
    public Uni<Page<EventResponse>> list(@QueryParam("type") String type, @QueryParam("from") String from,
            @QueryParam("to") String to, @QueryParam("q") String query, @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        return events.list(caller.applicationId(), EventFilter.of(type, from, to, query), pagination.of(cursor, limit));
    }
}
