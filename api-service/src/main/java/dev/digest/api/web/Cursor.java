package dev.digest.api.web;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/**
 * Opaque list cursors. A cursor is the id of the last row seen: ids are time-ordered, so
 * "rows with a greater id" is a stable next page even while rows are added.
 */
public final class Cursor {

    private static final String VERSION = "v1:";

    private Cursor() {
    }

    public static String encode(UUID lastId) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((VERSION + lastId).getBytes(StandardCharsets.UTF_8));
    }

    /** The id a cursor stands for; null for no cursor; a 400 problem for one this API did not make. */
    public static UUID decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (text.startsWith(VERSION)) {
                return UUID.fromString(text.substring(VERSION.length()));
            }
        } catch (IllegalArgumentException e) {
            // Falls through to the same answer as a cursor of the wrong version.
        }
        throw new ProblemException(ProblemType.MALFORMED_REQUEST, "The cursor is not one this API returned",
                java.util.List.of(new Violation("cursor", "is not a valid cursor")));
    }
}
