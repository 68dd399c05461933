package dev.digest.api.suppression;

import java.time.Instant;

/** An address the application never sends to, why, and since when. */
public record Suppression(String address, String reason, Instant createdAt) {
}
