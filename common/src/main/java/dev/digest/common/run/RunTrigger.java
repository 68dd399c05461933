package dev.digest.common.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.digest.common.WireValue;

/** What caused a run. Test runs never move a digest's window. */
public enum RunTrigger {
    SCHEDULED,
    MANUAL,
    TEST;

    @JsonValue
    public String wire() {
        return WireValue.of(this);
    }

    @JsonCreator
    public static RunTrigger fromWire(String wire) {
        return WireValue.parse(RunTrigger.class, wire);
    }
}
