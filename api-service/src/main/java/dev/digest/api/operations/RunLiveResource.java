package dev.digest.api.operations;

import dev.digest.api.auth.CurrentCaller;
import dev.digest.api.auth.Roles;
import dev.digest.api.openapi.ApiDocumentation;
import dev.digest.api.web.ProblemException;
import dev.digest.common.run.RunChange;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Run state changes as Server-Sent Events, one {@code run} event per change, for the caller's
 * runs (the admin's: every run). A client that reconnects with {@code Last-Event-ID} (or
 * {@code ?since=} epoch milliseconds) first gets the current status of every run that changed
 * since then, read from the database; past {@link RecentChanges#LIMIT} of them it gets one
 * {@code resync} event instead and reloads what it shows.
 */
@Path("/api/v1/runs/live")
@Tag(name = ApiDocumentation.RUNS)
public class RunLiveResource {

    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final RunChangeHub hub;
    private final RecentChanges recent;
    private final CurrentCaller caller;

    public RunLiveResource(RunChangeHub hub, RecentChanges recent, CurrentCaller caller) {
        this.hub = hub;
        this.recent = recent;
        this.caller = caller;
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RolesAllowed({Roles.READ, Roles.ADMIN})
    @Operation(summary = "Stream run state changes (server-sent events)")
    @APIResponse(responseCode = "200", description = "'run' events ({runId, digestId, status}, id = epoch millis), "
            + "'ready', 'resync' and 'ping'; reconnect with Last-Event-ID to catch up",
            content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS))
    public Multi<OutboundSseEvent> live(@HeaderParam("Last-Event-ID") String lastEventId,
            @QueryParam("since") String since, @Context Sse sse) {
        UUID application = caller.admin() ? null : caller.applicationId();
        Instant from = sinceOf(lastEventId != null && !lastEventId.isBlank() ? lastEventId : since);

        // Listening starts before the catch-up is read, and what arrives meanwhile waits in this
        // stream's own buffer: no change falls between the two.
        UnicastProcessor<RunChange> buffered = UnicastProcessor.create();
        Cancellable listening = hub.changes()
                .filter(change -> application == null || application.equals(change.applicationId()))
                .subscribe().with(buffered::onNext, buffered::onError, buffered::onComplete);

        Multi<OutboundSseEvent> catchUp = from == null
                // An id from the start, so a client that hears nothing before it reconnects
                // still catches up from here.
                ? Multi.createFrom().item(() -> event(sse, "ready", Long.toString(System.currentTimeMillis()), "{}"))
                : recent.since(application, from).onItem().transformToMulti(changes -> changes == null
                        ? Multi.createFrom().item(event(sse, "resync", null, "{}"))
                        : Multi.createFrom().iterable(changes).map(change -> run(sse, change)));
        Multi<OutboundSseEvent> live = Multi.createBy().merging().streams(
                buffered.map(change -> run(sse, change)),
                Multi.createFrom().ticks().every(KEEP_ALIVE).map(tick -> event(sse, "ping", null, "{}")));
        return Multi.createBy().concatenating().streams(catchUp, live)
                .onTermination().invoke(listening::cancel);
    }

    private static OutboundSseEvent run(Sse sse, RunChange change) {
        return event(sse, "run", Long.toString(change.at().toEpochMilli()), change.toJson());
    }

    private static OutboundSseEvent event(Sse sse, String name, String id, String data) {
        OutboundSseEvent.Builder builder = sse.newEventBuilder().name(name).data(data)
                .mediaType(MediaType.APPLICATION_JSON_TYPE);
        if (id != null) {
            builder.id(id);
        }
        return builder.build();
    }

    private static Instant sinceOf(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.ofEpochMilli(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            throw ProblemException.invalid("since", "must be epoch milliseconds, as the events' ids are");
        }
    }
}
