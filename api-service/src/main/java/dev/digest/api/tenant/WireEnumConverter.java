package dev.digest.api.tenant;

import dev.digest.common.WireValue;
import jakarta.persistence.AttributeConverter;

/** Stores an enum as its lower-case wire name, which is what the schema's check constraints allow. */
public abstract class WireEnumConverter<E extends Enum<E>> implements AttributeConverter<E, String> {

    private final Class<E> type;

    protected WireEnumConverter(Class<E> type) {
        this.type = type;
    }

    @Override
    public String convertToDatabaseColumn(E value) {
        return value == null ? null : WireValue.of(value);
    }

    @Override
    public E convertToEntityAttribute(String wire) {
        return wire == null ? null : WireValue.parse(type, wire);
    }
}
