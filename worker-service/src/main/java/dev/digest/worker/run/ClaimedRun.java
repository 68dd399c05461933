package dev.digest.worker.run;

import dev.digest.common.run.RunTrigger;
import java.time.Instant;
import java.util.UUID;

/** A run this worker has claimed, as the claim returned it. */
public record ClaimedRun(UUID id, UUID applicationId, UUID digestId, RunTrigger trigger, String testRecipient,
        int attempts, Instant scheduledFor, Instant windowStart, Instant windowEnd) {
}
