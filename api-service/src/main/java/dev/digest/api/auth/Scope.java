package dev.digest.api.auth;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.digest.common.WireValue;

/** What an application key may do: read its rows, change them, or post events. */
public enum Scope {
    READ,
    WRITE,
    INGEST;

    @JsonValue
    public String wire() {
        return WireValue.of(this);
    }

    @JsonCreator
    public static Scope fromWire(String wire) {
        return WireValue.parse(Scope.class, wire);
    }
}
