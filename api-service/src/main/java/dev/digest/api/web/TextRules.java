package dev.digest.api.web;

/**
 * What no string the API stores may contain: NUL, which PostgreSQL text and jsonb refuse, and
 * half of a surrogate pair, which cannot be encoded as UTF-8 and would be stored as '?'.
 */
public final class TextRules {

    private TextRules() {
    }

    /** Why the text cannot be stored, or null when it can. */
    public static String problem(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                return "must not contain NUL characters";
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "must not contain an unpaired surrogate (invalid Unicode)";
            }
            if (Character.isLowSurrogate(c)) {
                return "must not contain an unpaired surrogate (invalid Unicode)";
            }
        }
        return null;
    }
}
