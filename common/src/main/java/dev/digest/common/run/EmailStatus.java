package dev.digest.common.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.digest.common.WireValue;
import java.util.EnumSet;
import java.util.Set;

/** The state of one email of a run (one recipient), with the moves it may make. */
public enum EmailStatus {
    SENDING,
    SENT,
    FAILED,
    SKIPPED;

    public Set<EmailStatus> next() {
        return switch (this) {
            case SENDING -> EnumSet.of(SENT, FAILED, SKIPPED);
            // A retry of the run tries a failed recipient again.
            case FAILED -> EnumSet.of(SENDING);
            // Sent is never sent again; skipped (unsubscribed) stays skipped.
            case SENT, SKIPPED -> EnumSet.noneOf(EmailStatus.class);
        };
    }

    public boolean canMoveTo(EmailStatus target) {
        return next().contains(target);
    }

    @JsonValue
    public String wire() {
        return WireValue.of(this);
    }

    @JsonCreator
    public static EmailStatus fromWire(String wire) {
        return WireValue.parse(EmailStatus.class, wire);
    }
}
