package dev.digest.api.operations;

import java.util.UUID;

/** Which dispatch to pause or resume: one application (the admin names it), or, for the admin without one, all. */
public record PauseRequest(UUID applicationId) {
}
