package dev.digest.api.schedule;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.digest.common.WireValue;
import java.time.Instant;

/**
 * Whether a digest will fire: {@code scheduled} (it has a next run), {@code disabled}, or
 * {@code stopped}: enabled, but its cron has no next instant (the digest's schedule error says why).
 */
public enum ScheduleState {
    SCHEDULED,
    DISABLED,
    STOPPED;

    @JsonValue
    public String wire() {
        return WireValue.of(this);
    }

    public static ScheduleState of(boolean enabled, Instant nextRunAt) {
        if (!enabled) {
            return DISABLED;
        }
        return nextRunAt == null ? STOPPED : SCHEDULED;
    }
}
