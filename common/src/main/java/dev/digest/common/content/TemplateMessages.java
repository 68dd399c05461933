package dev.digest.common.content;

import io.quarkus.qute.TemplateException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Template errors as a template's author should read them: the construct and where it is, in
 * the words of the template ("text", "number", "list"), never Java class names, exception
 * types or Qute's internal template ids.
 */
public final class TemplateMessages {

    private static final int MAX_LENGTH = 300;
    private static final Pattern QUALIFIED = Pattern.compile("\\b(?:java|javax|jakarta|io|org|com|dev|sun|jdk)(?:\\.[A-Za-z_$][\\w$]*)+");
    private static final Pattern EXCEPTION = Pattern.compile("\\b[A-Z]\\w*(?:Exception|Error)\\b:?\\s*");
    private static final Pattern TEMPLATE_ID = Pattern.compile("\\s*in template \\S+(?= on line|\\s|$)|\\s*template \\[[^]]*]");
    private static final Pattern PREFIX = Pattern.compile("^(?:Rendering|Parser) error(?: in template \\S+)?(?: on line (\\d+))?[:\\s]*");
    private static final Map<String, String> TYPES = Map.ofEntries(Map.entry("String", "text"),
            Map.entry("Integer", "number"), Map.entry("Long", "number"), Map.entry("Double", "number"),
            Map.entry("BigDecimal", "number"), Map.entry("BigInteger", "number"), Map.entry("Number", "number"),
            Map.entry("Boolean", "true/false"), Map.entry("LinkedHashMap", "object"), Map.entry("HashMap", "object"),
            Map.entry("Map", "object"), Map.entry("ArrayList", "list"), Map.entry("List", "list"),
            Map.entry("ImmutableCollections$ListN", "list"), Map.entry("ImmutableCollections$List12", "list"),
            Map.entry("ImmutableCollections$MapN", "object"), Map.entry("ImmutableCollections$Map1", "object"),
            Map.entry("RawString", "text"));

    private TemplateMessages() {
    }

    /** What went wrong, for the template's author. */
    public static String describe(Throwable failure) {
        if (failure instanceof StackOverflowError) {
            return "the template is nested too deeply to render";
        }
        String message = failure.getMessage();
        if (message == null || message.isBlank()) {
            return failure instanceof TemplateException ? "the template cannot be rendered" : "the template failed";
        }
        Matcher prefix = PREFIX.matcher(message);
        if (prefix.find() && prefix.end() > 0) {
            message = (prefix.group(1) == null ? "" : "line " + prefix.group(1) + ": ") + message.substring(prefix.end());
        }
        message = TEMPLATE_ID.matcher(message).replaceAll("");
        message = withoutJavaNames(message).strip();
        return message.length() > MAX_LENGTH ? message.substring(0, MAX_LENGTH) + "…" : message;
    }

    /** Replaces qualified Java names with the kind of value they stand for, and drops exception names. */
    static String withoutJavaNames(String message) {
        Matcher qualified = QUALIFIED.matcher(message);
        StringBuilder out = new StringBuilder();
        while (qualified.find()) {
            String name = qualified.group();
            String simple = name.substring(name.lastIndexOf('.') + 1);
            qualified.appendReplacement(out, Matcher.quoteReplacement(TYPES.getOrDefault(simple, "value")));
        }
        qualified.appendTail(out);
        return EXCEPTION.matcher(out).replaceAll("");
    }
}
