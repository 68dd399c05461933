package dev.digest.api.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.digest.common.run.EmailStatus;
import dev.digest.common.run.RunStatus;
import dev.digest.common.run.RunTrigger;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A run as the API shows it; {@code emailLogs} only when one run is asked for. */
public record RunResponse(
        UUID id,
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
        Instant startedAt,
        Instant finishedAt,
        String workerId,
        String error,
        int badEventCount,
        List<BadEventNote> badEvents,
        Instant createdAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<EmailLogResponse> emailLogs) {

    public static RunResponse from(Run run) {
        return withLogs(run, null);
    }

    public static RunResponse withLogs(Run run, List<EmailLog> logs) {
        return new RunResponse(run.id, run.digestId, run.status, run.trigger, run.scheduledFor, run.windowStart,
                run.windowEnd, run.eventCount, run.attempts, run.testRecipient, run.enqueuedAt, run.startedAt,
                run.finishedAt, run.workerId, run.error, run.badEventCount,
                run.badEvents == null ? List.of() : run.badEvents, run.createdAt,
                logs == null ? null : logs.stream().map(EmailLogResponse::from).toList());
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
