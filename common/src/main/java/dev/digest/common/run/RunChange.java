package dev.digest.common.run;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/** A run moved to {@code status} at {@code at}: what the live console hears, once per move. */
public record RunChange(UUID runId, UUID applicationId, UUID digestId, RunStatus status, Instant at) {

    public String toJson() {
        return new JsonObject().put("runId", runId.toString()).put("applicationId", applicationId.toString())
                .put("digestId", digestId.toString()).put("status", status.wire()).put("at", at.toString()).encode();
    }

    /** Reads {@link #toJson()}; {@code IllegalArgumentException} for anything else. */
    public static RunChange fromJson(String json) {
        try {
            JsonObject object = new JsonObject(json);
            return new RunChange(UUID.fromString(object.getString("runId")),
                    UUID.fromString(object.getString("applicationId")), UUID.fromString(object.getString("digestId")),
                    RunStatus.fromWire(object.getString("status")), Instant.parse(object.getString("at")));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a run change: " + e.getMessage(), e);
        }
    }
}
