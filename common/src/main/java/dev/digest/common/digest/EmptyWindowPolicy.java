package dev.digest.common.digest;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.digest.common.WireValue;

/** What a run does when its window holds no events: skip the email, or send a "nothing happened" one. */
public enum EmptyWindowPolicy {
    SKIP,
    SEND;

    @JsonValue
    public String wire() {
        return WireValue.of(this);
    }

    @JsonCreator
    public static EmptyWindowPolicy fromWire(String wire) {
        return WireValue.parse(EmptyWindowPolicy.class, wire);
    }
}
