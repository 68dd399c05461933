package dev.digest.api.web;

/** Builds LIKE patterns from user text, escaping the wildcards so a prefix filter stays a prefix filter. */
public final class LikePattern {

    private LikePattern() {
    }

    /** {@code text%}, with {@code \}, {@code %} and {@code _} in {@code text} escaped by {@code \}. */
    public static String prefix(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }
}
