package dev.digest.common.content;

import io.quarkus.qute.TemplateException;

/**
 * A template went past one of its {@link TemplateLimits}. It is a {@code TemplateException}, so
 * whoever renders treats it like any other template error: a 422 on a preview, a failed run
 * (not retried: it would fail the same way) on the worker. The message is written for the
 * template's author.
 */
public class TemplateLimitException extends TemplateException {

    private final int line;
    private final int column;

    public TemplateLimitException(String message) {
        this(message, 0, 0);
    }

    /** A limit found at a place in the template's source (1-based line and column). */
    public TemplateLimitException(String message, int line, int column) {
        super(message);
        this.line = line;
        this.column = column;
    }

    /** 1-based line in the template's source, or 0 when the limit was reached while rendering. */
    public int line() {
        return line;
    }

    public int column() {
        return column;
    }
}
