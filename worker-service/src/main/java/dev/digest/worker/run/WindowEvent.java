package dev.digest.worker.run;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/** One stored event inside a run's window. */
public record WindowEvent(UUID id, String type, JsonObject payload, Instant occurredAt, Instant receivedAt) {
}
