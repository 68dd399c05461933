package dev.digest.common.content;

import java.util.UUID;

/** An event left out of a digest because its line template could not render it. */
public record BadEvent(UUID eventId, String type, String error) {
}
