package dev.digest.common;

import java.util.Locale;

/** Enum values travel (JSON, SQL) as their lower-case names; this parses them back. */
public final class WireValue {

    private WireValue() {
    }

    public static String of(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /** The constant named by {@code wire}, or {@code IllegalArgumentException} naming the allowed values. */
    public static <E extends Enum<E>> E parse(Class<E> type, String wire) {
        if (wire != null) {
            for (E constant : type.getEnumConstants()) {
                if (of(constant).equals(wire)) {
                    return constant;
                }
            }
        }
        throw new IllegalArgumentException("must be one of " + allowed(type));
    }

    public static <E extends Enum<E>> String allowed(Class<E> type) {
        StringBuilder names = new StringBuilder();
        for (E constant : type.getEnumConstants()) {
            names.append(names.length() == 0 ? "" : ", ").append(of(constant));
        }
        return names.toString();
    }
}
