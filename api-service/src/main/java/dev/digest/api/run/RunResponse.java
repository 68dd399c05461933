package dev.digest.api.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.digest.common.run.EmailStatus;
import dev.digest.common.run.RunStatus;
import dev.digest.common.run.RunTrigger;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A run as the API shows it; {@code emailLogs} and {@code attemptHistory} only when one run is
 * asked for. {@code nextAttemptAt} is when a queued run waiting out a retry backoff goes back on
 * the stream; {@code waitingForTurn} that it waits for another run of its digest to finish.
 */
@RegisterForReflection(registerFullHierarchy = true)
public record RunResponse(
        UUID id,
        UUID applicationId,
        UUID digestId,
        RunStatus status,
        RunTrigger trigger,
        Instant scheduledFor,
        Instant windowStart,
        Instant windowEnd,
        int eventCount,
        int attempts,
        String testRecipient,
        Instant enqueuedAt,
        Instant nextAttemptAt,
        boolean waitingForTurn,
        Instant startedAt,
        Instant finishedAt,
        String workerId,
        String error,
        int badEventCount,
        List<BadEventNote> badEvents,
        Instant createdAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<EmailLogResponse> emailLogs,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<RunAttempts.Attempt> attemptHistory) {

    public static RunResponse from(Run run) {
        return withDetail(run, null, null);
    }

    public static RunResponse withDetail(Run run, List<EmailLog> logs, List<RunAttempts.Attempt> attempts) {
        boolean queued = run.status == RunStatus.QUEUED;
        // Only a run that has been tried backs off; a new run's available_at is its publish grace.
        Instant nextAttemptAt = queued && !run.turnWait && run.attempts > 0 && run.availableAt != null
                && run.availableAt.isAfter(Instant.now()) ? run.availableAt : null;
        return new RunResponse(run.id, run.applicationId, run.digestId, run.status, run.trigger, run.scheduledFor,
                run.windowStart, run.windowEnd, run.eventCount, run.attempts, run.testRecipient, run.enqueuedAt,
                nextAttemptAt, queued && run.turnWait, run.startedAt, run.finishedAt, run.workerId, run.error,
                run.badEventCount, run.badEvents == null ? List.of() : run.badEvents, run.createdAt,
                logs == null ? null : logs.stream().map(EmailLogResponse::from).toList(), attempts);
    }

    /** One recipient's email of the run. */
    public record EmailLogResponse(String recipient, EmailStatus status, String subject, String messageId,
            String error, int attempts, Instant sentAt) {

        static EmailLogResponse from(EmailLog log) {
            return new EmailLogResponse(log.recipient, log.status, log.subject, log.messageId, log.error,
                    log.attempts, log.sentAt);
        }
    }
}
