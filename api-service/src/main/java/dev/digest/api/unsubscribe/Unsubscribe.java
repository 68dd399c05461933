package dev.digest.api.unsubscribe;

import java.time.Instant;

/** An address that asked to stop receiving one digest, and when. */
public record Unsubscribe(String recipient, Instant createdAt) {
}
