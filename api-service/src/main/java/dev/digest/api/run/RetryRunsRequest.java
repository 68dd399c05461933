package dev.digest.api.run;

import jakarta.validation.constraints.Pattern;
import java.time.Instant;
import java.util.UUID;

/**
 * Which failed or dead runs to put back in the queue at once: of one digest, in one status
 * ({@code failed} or {@code dead}; both when absent), created in [{@code from}, {@code to}).
 * {@code applicationId} narrows the admin's request to one application; an application key's
 * request is always its own application's.
 */
public record RetryRunsRequest(UUID digestId,
        @Pattern(regexp = "failed|dead", message = "must be failed or dead") String status,
        Instant from, Instant to, UUID applicationId) {
}
