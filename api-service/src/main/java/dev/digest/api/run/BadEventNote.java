package dev.digest.api.run;

import java.util.UUID;

/** An event a run left out because its line template could not render it, and the error. */
public record BadEventNote(UUID eventId, String type, String error) {
}
