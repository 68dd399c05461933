package dev.digest.api.tenant;

import dev.digest.common.digest.EmptyWindowPolicy;
import dev.digest.common.digest.MissedRunPolicy;
import jakarta.persistence.Converter;

/** Column converters for a digest's policies, which digests and digest templates both store. */
public final class PolicyConverters {

    private PolicyConverters() {
    }

    @Converter
    public static class EmptyWindow extends WireEnumConverter<EmptyWindowPolicy> {
        public EmptyWindow() {
            super(EmptyWindowPolicy.class);
        }
    }

    @Converter
    public static class MissedRuns extends WireEnumConverter<MissedRunPolicy> {
        public MissedRuns() {
            super(MissedRunPolicy.class);
        }
    }
}
