package dev.digest.api.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;

/** One event as a client posts it. {@code payload} is checked to be a JSON object by {@link IngestRequest}. */
public record EventInput(String type, JsonNode payload, OffsetDateTime occurredAt, String idempotencyKey) {
}
