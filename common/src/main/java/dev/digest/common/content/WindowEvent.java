package dev.digest.common.content;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** One stored event inside a window; the payload as plain maps, lists, strings and numbers. */
public record WindowEvent(UUID id, String type, Map<String, Object> payload, Instant occurredAt, Instant receivedAt) {
}
