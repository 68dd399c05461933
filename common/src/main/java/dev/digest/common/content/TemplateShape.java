package dev.digest.common.content;

import java.util.Set;

/**
 * Measures how deeply a template's sections and brackets nest, from its source, before Qute
 * parses it: Qute's parser recurses once per level, so a template ten thousand levels deep
 * would exhaust the stack before any check on the parsed template could run.
 */
final class TemplateShape {

    // Qute's block labels continue the section they are in rather than opening a new one.
    private static final Set<String> BLOCK_LABELS = Set.of("else", "case", "is");

    private final String source;
    private final int maxDepth;
    private int index;
    private int line = 1;
    private int lineStart;

    private TemplateShape(String source, int maxDepth) {
        this.source = source;
        this.maxDepth = maxDepth;
    }

    /** {@link TemplateLimitException} at the first section or bracket nested deeper than {@code maxDepth}. */
    static void requireWithin(String source, int maxDepth) {
        new TemplateShape(source, maxDepth).scan();
    }

    private void scan() {
        int sections = 0;
        while (index < source.length()) {
            char c = source.charAt(index);
            if (c == '\\' && index + 1 < source.length() && source.charAt(index + 1) == '{') {
                index += 2;
            } else if (c == '{' && index + 1 < source.length()) {
                char next = source.charAt(index + 1);
                if (next == '!') {
                    skipPast("!}");
                } else if (next == '|') {
                    skipPast("|}");
                } else if (next == '#') {
                    int column = column();
                    int startLine = line;
                    String name = name(index + 2);
                    boolean selfClosing = tag();
                    if (!selfClosing && !BLOCK_LABELS.contains(name) && ++sections > maxDepth) {
                        throw tooDeep("sections", startLine, column);
                    }
                } else if (next == '/') {
                    tag();
                    sections = Math.max(0, sections - 1);
                } else if (Character.isWhitespace(next)) {
                    advance();
                } else {
                    tag();
                }
            } else {
                advance();
            }
        }
    }

    /** Reads a tag up to its closing brace, outside string literals; true when it ends with {@code /}. */
    private boolean tag() {
        int brackets = 0;
        char quote = 0;
        char previous = 0;
        advance();
        while (index < source.length()) {
            char c = source.charAt(index);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '[') {
                if (++brackets > maxDepth) {
                    throw tooDeep("brackets", line, column());
                }
            } else if (c == ')' || c == ']') {
                brackets = Math.max(0, brackets - 1);
            } else if (c == '}') {
                advance();
                return previous == '/';
            }
            if (!Character.isWhitespace(c)) {
                previous = c;
            }
            advance();
        }
        return false;
    }

    private String name(int from) {
        int end = from;
        while (end < source.length() && Character.isLetterOrDigit(source.charAt(end))) {
            end++;
        }
        return source.substring(from, end);
    }

    private void skipPast(String end) {
        int found = source.indexOf(end, index + 2);
        int stop = found < 0 ? source.length() : found + end.length();
        while (index < stop) {
            advance();
        }
    }

    private void advance() {
        if (source.charAt(index) == '\n') {
            line++;
            lineStart = index + 1;
        }
        index++;
    }

    private int column() {
        return index - lineStart + 1;
    }

    private TemplateLimitException tooDeep(String what, int atLine, int atColumn) {
        return new TemplateLimitException(what + " are nested more than " + maxDepth + " levels deep", atLine, atColumn);
    }
}
