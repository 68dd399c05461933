package dev.digest.api.operations;

import java.time.Instant;
import java.util.UUID;

/**
 * A job a worker gave up on, as the dead-letter stream holds it: the run it points to (and that
 * run's status now), why, and the id it had on the job stream. A malformed job has no run.
 */
public record DeadLetter(String id, UUID runId, UUID applicationId, UUID digestId, String reason, String originalId,
        Instant deadAt, String runStatus) {
}
