package dev.digest.api.digest;

import dev.digest.api.schedule.ScheduleState;
import dev.digest.common.digest.EmptyWindowPolicy;
import dev.digest.common.digest.MissedRunPolicy;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A digest as the API shows it, with when it next runs; {@code scheduleState} {@code stopped}
 * with a {@code scheduleError} says an enabled digest will not fire again, and why.
 */
@RegisterForReflection(registerFullHierarchy = true)
public record DigestResponse(
        UUID id,
        UUID applicationId,
        String name,
        String description,
        List<String> eventTypes,
        String cron,
        String timeZone,
        List<String> recipients,
        UUID emailTemplateId,
        boolean enabled,
        EmptyWindowPolicy emptyWindow,
        MissedRunPolicy missedRuns,
        Instant nextRunAt,
        ScheduleState scheduleState,
        String scheduleError,
        Instant lastRunAt,
        long version,
        Instant createdAt,
        Instant updatedAt) {

    public static DigestResponse from(Digest digest) {
        return new DigestResponse(digest.id, digest.applicationId, digest.name, digest.description, List.of(digest.eventTypes), digest.cron,
                digest.timeZone, List.of(digest.recipients), digest.emailTemplateId, digest.enabled, digest.emptyWindow,
                digest.missedRuns, digest.nextRunAt, ScheduleState.of(digest.enabled, digest.nextRunAt),
                digest.enabled ? digest.scheduleError : null, digest.lastRunAt, digest.version, digest.createdAt, digest.updatedAt);
    }
}
