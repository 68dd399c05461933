package dev.digest.api.preview;

import dev.digest.api.config.ApiConfig;
import dev.digest.api.web.ProblemException;
import dev.digest.api.web.Violation;
import dev.digest.common.content.ContentStore;
import dev.digest.common.content.EventGroup;
import dev.digest.common.content.SampleEvents;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Sample events a person sent (for a template preview or a test send): at most
 * {@code digest.limits.max-sample-events}, each of one of the application's event types (422
 * naming the ones that are not).
 */
@ApplicationScoped
public class SampleEventCheck {

    private final ContentStore content;
    private final int maxSampleEvents;

    public SampleEventCheck(ContentStore content, ApiConfig config) {
        this.content = content;
        this.maxSampleEvents = config.limits().maxSampleEvents();
    }

    /** The samples, with the event types they name. */
    public record Checked(List<SampleEvents.Sample> samples, Map<String, EventGroup> types) {
    }

    public Uni<Checked> check(java.util.UUID applicationId, List<TemplatePreviewRequest.SampleEvent> events) {
        List<TemplatePreviewRequest.SampleEvent> given = events == null ? List.of() : events;
        if (given.size() > maxSampleEvents) {
            return Uni.createFrom().failure(ProblemException.invalid("events", "at most " + maxSampleEvents
                    + " sample events"));
        }
        List<String> keys = given.stream().map(TemplatePreviewRequest.SampleEvent::type).distinct().toList();
        return content.eventTypes(applicationId, keys).map(types -> {
            List<Violation> unknown = new ArrayList<>();
            List<SampleEvents.Sample> samples = new ArrayList<>(given.size());
            for (int i = 0; i < given.size(); i++) {
                TemplatePreviewRequest.SampleEvent event = given.get(i);
                if (!types.containsKey(event.type())) {
                    unknown.add(new Violation("events[" + i + "].type", "no event type '" + event.type() + "'"));
                }
                samples.add(new SampleEvents.Sample(event.type(), event.payload(),
                        event.occurredAt() == null ? null : event.occurredAt().toInstant()));
            }
            if (!unknown.isEmpty()) {
                throw ProblemException.invalid(unknown);
            }
            return new Checked(samples, types);
        });
    }

    /** For a test send: just the samples. */
    public Uni<List<SampleEvents.Sample>> checked(java.util.UUID applicationId,
            List<TemplatePreviewRequest.SampleEvent> events) {
        return check(applicationId, events).map(Checked::samples);
    }
}
