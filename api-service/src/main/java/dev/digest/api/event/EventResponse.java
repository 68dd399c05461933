package dev.digest.api.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.UUID;

public record EventResponse(UUID id, String type, JsonNode payload, Instant occurredAt, Instant receivedAt,
        String idempotencyKey) {
}
