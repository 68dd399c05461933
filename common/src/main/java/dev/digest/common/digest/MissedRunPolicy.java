package dev.digest.common.digest;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.digest.common.WireValue;

/** What the dispatcher does with instants missed during downtime: one run for all of them, or none. */
public enum MissedRunPolicy {
    COALESCE,
    SKIP;

    @JsonValue
    public String wire() {
        return WireValue.of(this);
    }

    @JsonCreator
    public static MissedRunPolicy fromWire(String wire) {
        return WireValue.parse(MissedRunPolicy.class, wire);
    }
}
