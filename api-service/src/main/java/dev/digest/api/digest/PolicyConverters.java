package dev.digest.api.digest;

import dev.digest.api.tenant.WireEnumConverter;
import dev.digest.common.digest.EmptyWindowPolicy;
import dev.digest.common.digest.MissedRunPolicy;
import jakarta.persistence.Converter;

/** Column converters for a digest's policies. */
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
