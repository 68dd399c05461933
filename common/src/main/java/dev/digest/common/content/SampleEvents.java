package dev.digest.common.content;

import dev.digest.common.Uuid7;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Events made up for a preview or a test send, grouped as a window's events would be: by type
 * key, in the order given, each type with its name and line template. Template previews and
 * test runs with samples both render through here.
 */
public final class SampleEvents {

    private SampleEvents() {
    }

    /** One sample event of an event type of the application; {@code occurredAt} null means now. */
    public record Sample(String type, Map<String, Object> payload, Instant occurredAt) {
    }

    /** The samples as groups; {@code types} must hold every sample's type (see ContentStore#eventTypes). */
    public static List<EventGroup> groups(List<Sample> samples, Map<String, EventGroup> types, Instant now,
            int rowsPerType) {
        Map<String, List<WindowEvent>> byType = new TreeMap<>();
        for (Sample sample : samples) {
            Instant occurred = sample.occurredAt() == null ? now : sample.occurredAt();
            byType.computeIfAbsent(sample.type(), type -> new ArrayList<>()).add(new WindowEvent(Uuid7.next(),
                    sample.type(), sample.payload() == null ? Map.of() : sample.payload(), occurred, now));
        }
        List<EventGroup> groups = new ArrayList<>();
        byType.forEach((type, events) -> {
            EventGroup known = types.get(type);
            groups.add(new EventGroup(type, known.name(), known.lineTemplate(), events.size(),
                    events.subList(0, Math.min(events.size(), rowsPerType))));
        });
        return groups;
    }

    /** As stored on a test run. */
    public static JsonArray toJson(List<Sample> samples) {
        JsonArray array = new JsonArray();
        for (Sample sample : samples) {
            array.add(new JsonObject().put("type", sample.type())
                    .put("payload", new JsonObject(sample.payload() == null ? Map.of() : sample.payload()))
                    .put("occurredAt", sample.occurredAt() == null ? null : sample.occurredAt().toString()));
        }
        return array;
    }

    /** As read from a test run; null stays null (a test run without samples). */
    public static List<Sample> fromJson(JsonArray array) {
        if (array == null) {
            return null;
        }
        List<Sample> samples = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonObject sample = array.getJsonObject(i);
            String occurred = sample.getString("occurredAt");
            JsonObject payload = sample.getJsonObject("payload");
            samples.add(new Sample(sample.getString("type"), payload == null ? Map.of() : payload.getMap(),
                    occurred == null ? null : Instant.parse(occurred)));
        }
        return samples;
    }
}
