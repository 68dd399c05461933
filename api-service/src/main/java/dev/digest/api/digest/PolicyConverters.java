package dev.digest.api.digest;

import dev.digest.common.WireValue;
import dev.digest.common.digest.EmptyWindowPolicy;
import dev.digest.common.digest.MissedRunPolicy;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** Stores policies as their lower-case wire names, which is what the schema's check constraints allow. */
public final class PolicyConverters {

    private PolicyConverters() {
    }

    @Converter
    public static class EmptyWindow implements AttributeConverter<EmptyWindowPolicy, String> {
        @Override
        public String convertToDatabaseColumn(EmptyWindowPolicy policy) {
            return policy == null ? null : WireValue.of(policy);
        }

        @Override
        public EmptyWindowPolicy convertToEntityAttribute(String wire) {
            return wire == null ? null : EmptyWindowPolicy.fromWire(wire);
        }
    }

    @Converter
    public static class MissedRuns implements AttributeConverter<MissedRunPolicy, String> {
        @Override
        public String convertToDatabaseColumn(MissedRunPolicy policy) {
            return policy == null ? null : WireValue.of(policy);
        }

        @Override
        public MissedRunPolicy convertToEntityAttribute(String wire) {
            return wire == null ? null : MissedRunPolicy.fromWire(wire);
        }
    }
}
