package dev.digest.common.run;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A run moved to {@code status} at {@code at}: what the live console hears, once per move. */
public record RunChange(UUID runId, UUID applicationId, UUID digestId, RunStatus status, Instant at) {

    public String toJson() {
        return appendTo(new StringBuilder(180)).toString();
    }

    /**
     * Many changes as one JSON array: what a batch of moves announces in one message. Written by
     * hand because every field is a UUID, a status word or an ISO instant, none of which needs
     * escaping, and a JSON tree per change was a visible part of a worker's CPU under load.
     */
    public static String toJson(List<RunChange> changes) {
        StringBuilder json = new StringBuilder(2 + changes.size() * 181).append('[');
        for (int i = 0; i < changes.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            changes.get(i).appendTo(json);
        }
        return json.append(']').toString();
    }

    private StringBuilder appendTo(StringBuilder json) {
        return json.append("{\"runId\":\"").append(runId).append("\",\"applicationId\":\"").append(applicationId)
                .append("\",\"digestId\":\"").append(digestId).append("\",\"status\":\"").append(status.wire())
                .append("\",\"at\":\"").append(at).append("\"}");
    }

    /** Reads {@link #toJson()}; {@code IllegalArgumentException} for anything else. */
    public static RunChange fromJson(String json) {
        try {
            return of(new JsonObject(json));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a run change: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a message of the run change channel: an array of changes ({@link #toJson(List)}) or
     * a single one (what replicas of earlier versions announce during a rolling update).
     * {@code IllegalArgumentException} for anything else.
     */
    public static List<RunChange> listFromJson(String json) {
        try {
            String trimmed = json.strip();
            if (!trimmed.startsWith("[")) {
                return List.of(of(new JsonObject(trimmed)));
            }
            JsonArray array = new JsonArray(trimmed);
            List<RunChange> changes = new ArrayList<>(array.size());
            for (int i = 0; i < array.size(); i++) {
                changes.add(of(array.getJsonObject(i)));
            }
            return changes;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a run change: " + e.getMessage(), e);
        }
    }

    private static RunChange of(JsonObject object) {
        return new RunChange(UUID.fromString(object.getString("runId")),
                UUID.fromString(object.getString("applicationId")), UUID.fromString(object.getString("digestId")),
                RunStatus.fromWire(object.getString("status")), Instant.parse(object.getString("at")));
    }
}
