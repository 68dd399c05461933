package dev.digest.importer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the old ORM's column encodings: instants as epoch seconds, epoch milliseconds or ISO
 * text; booleans as 0/1; JSON as text. Every method names the column in its refusal.
 */
public final class LegacyValues {

    private static final ObjectMapper JSON = new ObjectMapper();
    // SQLite's own CURRENT_TIMESTAMP form, which hand-written rows tend to use.
    private static final DateTimeFormatter SQLITE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSS]");
    // Epoch seconds reach this only in the year 5138; a larger number is milliseconds.
    private static final long LARGEST_SECONDS = 100_000_000_000L;

    private LegacyValues() {
    }

    /** An instant, or null; {@code millis} is the column's declared unit (its name ends in _ms). */
    public static OffsetDateTime instant(String column, Object value, boolean millis) {
        if (value == null) {
            return null;
        }
        if (value instanceof Number number) {
            return fromNumber(column, number.longValue(), millis);
        }
        String text = value.toString().trim();
        if (text.isEmpty()) {
            return null;
        }
        if (text.matches("-?\\d+")) {
            return fromNumber(column, Long.parseLong(text), millis);
        }
        if (text.matches("-?\\d+\\.\\d+")) {
            double seconds = Double.parseDouble(text);
            return fromNumber(column, millis ? (long) seconds : (long) (seconds * 1000), true);
        }
        try {
            return OffsetDateTime.parse(text).withOffsetSameInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // Not with an offset; the forms below are read as UTC, as the old stack wrote them.
        }
        try {
            return LocalDateTime.parse(text.replace(' ', 'T')).atOffset(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // Try the next form.
        }
        try {
            return LocalDateTime.parse(text, SQLITE_TIME).atOffset(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // Try the next form.
        }
        try {
            return LocalDate.parse(text).atStartOfDay().atOffset(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new RowRejected(column + " is not an instant: '" + abbreviate(text) + "'");
        }
    }

    public static OffsetDateTime requiredInstant(String column, Object value, boolean millis) {
        OffsetDateTime instant = instant(column, value, millis);
        if (instant == null) {
            throw new RowRejected(column + " is missing");
        }
        return instant;
    }

    private static OffsetDateTime fromNumber(String column, long number, boolean millis) {
        boolean inMillis = millis || Math.abs(number) >= LARGEST_SECONDS;
        try {
            Instant instant = inMillis ? Instant.ofEpochMilli(number) : Instant.ofEpochSecond(number);
            return instant.atOffset(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            throw new RowRejected(column + " is out of range: " + number);
        }
    }

    /** 0/1, true/false as text, or null for the default. */
    public static boolean bool(String column, Object value, boolean defaultValue) {
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Number number) {
            return number.longValue() != 0;
        }
        return switch (value.toString().trim().toLowerCase(Locale.ROOT)) {
            case "1", "true", "t", "yes" -> true;
            case "0", "false", "f", "no", "" -> false;
            default -> throw new RowRejected(column + " is not a boolean: '" + abbreviate(value.toString()) + "'");
        };
    }

    /** A JSON array of strings (recipients, event type keys, scopes); null reads as the default. */
    public static List<String> stringArray(String column, Object value, List<String> defaultValue) {
        if (value == null) {
            return defaultValue;
        }
        JsonNode node = json(column, value);
        if (!node.isArray()) {
            throw new RowRejected(column + " is not a JSON array");
        }
        List<String> items = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual() || item.asText().isBlank()) {
                throw new RowRejected(column + " holds something other than names: " + abbreviate(item.toString()));
            }
            items.add(item.asText().trim());
        }
        return items;
    }

    /** A JSON object, as compact text. */
    public static String jsonObject(String column, Object value) {
        if (value == null) {
            throw new RowRejected(column + " is missing");
        }
        JsonNode node = json(column, value);
        if (!node.isObject()) {
            throw new RowRejected(column + " is not a JSON object");
        }
        return node.toString();
    }

    public static String requiredText(String column, Object value) {
        if (value == null || value.toString().isBlank()) {
            throw new RowRejected(column + " is missing");
        }
        return value.toString();
    }

    public static String text(Object value) {
        return value == null ? null : value.toString();
    }

    public static int integer(String column, Object value, int defaultValue) {
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Number number) {
            return number.intValue();
        }
        try {
            return Integer.parseInt(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new RowRejected(column + " is not a number: '" + abbreviate(value.toString()) + "'");
        }
    }

    private static JsonNode json(String column, Object value) {
        try {
            return JSON.readTree(value.toString());
        } catch (JsonProcessingException e) {
            throw new RowRejected(column + " is not valid JSON");
        }
    }

    static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 60) + "…";
    }
}
