package dev.digest.api.event;

import dev.digest.api.web.ProblemException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** {@code GET /events} filters, parsed here so a malformed one is a 422 naming the parameter. */
public record EventFilter(String type, OffsetDateTime from, OffsetDateTime to, String query) {

    public static EventFilter of(String type, String from, String to, String query) {
        OffsetDateTime start = instant("from", from);
        OffsetDateTime end = instant("to", to);
        if (start != null && end != null && !start.isBefore(end)) {
            throw ProblemException.invalid("to", "must be after from");
        }
        if (query != null && query.length() > 500) {
            throw ProblemException.invalid("q", "must be at most 500 characters");
        }
        return new EventFilter(blankToNull(type), start, end, blankToNull(query));
    }

    private static OffsetDateTime instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw ProblemException.invalid(name, "must be an ISO-8601 instant with offset, e.g. 2026-01-31T08:00:00Z");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
