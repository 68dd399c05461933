package dev.digest.api.web;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque cursors of lists ordered by a text key (an address) rather than by id. The kind
 * keeps one list's cursor from being taken for another's.
 */
public final class KeyCursor {

    private KeyCursor() {
    }

    public static String encode(String kind, String lastKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((kind + ":" + lastKey).getBytes(StandardCharsets.UTF_8));
    }

    /** The key a cursor stands for; null for no cursor; a 400 problem for one this list did not make. */
    public static String decode(String kind, String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (text.startsWith(kind + ":")) {
                return text.substring(kind.length() + 1);
            }
        } catch (IllegalArgumentException e) {
            // Falls through to the same answer as a cursor of another list.
        }
        throw ProblemException.invalid("cursor", "is not a valid cursor");
    }
}
