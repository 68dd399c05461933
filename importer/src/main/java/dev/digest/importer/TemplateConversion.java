package dev.digest.importer;

import dev.digest.common.content.TemplateSandbox;
import io.quarkus.qute.TemplateException;
import io.quarkus.qute.Variant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The old Handlebars-style email templates to Qute: the placeholders the old stack documented
 * ({@code {{digestName}}}, {@code {{eventCount}}}, {@code {{#each events}}…{{/each}}}) and the
 * block forms around them ({@code #if}, {@code #unless}, {@code else}, comments). The result
 * must parse in the sandbox the worker renders with; anything else is a {@link RowRejected}
 * with the reason, and the caller keeps the old text unchanged.
 */
public final class TemplateConversion {

    private static final Pattern TOKEN = Pattern.compile("\\{\\{(\\{?)(.*?)\\}?\\}\\}", Pattern.DOTALL);
    private static final Variant HTML = Variant.forContentType(Variant.TEXT_HTML);

    // The old top-level names and where the same value is in the data the product renders.
    private static final Map<String, String> TOP_LEVEL = Map.ofEntries(
            Map.entry("digestName", "digest.name"),
            Map.entry("digestId", "digest.id"),
            Map.entry("digestDescription", "digest.description"),
            Map.entry("timeZone", "digest.timeZone"),
            Map.entry("eventCount", "eventCount"),
            Map.entry("windowStart", "window.start"),
            Map.entry("windowEnd", "window.end"),
            Map.entry("recipient", "recipient"),
            Map.entry("unsubscribeUrl", "unsubscribeUrl"),
            Map.entry("unsubscribeLink", "unsubscribeUrl"),
            Map.entry("events", "events"),
            Map.entry("groups", "groups"),
            Map.entry("empty", "empty"));
    private static final java.util.Set<String> EVENT_FIELDS = java.util.Set.of("id", "type", "payload", "occurredAt",
            "receivedAt", "json", "line");
    private static final java.util.Set<String> GROUP_FIELDS = java.util.Set.of("type", "name", "count", "events", "more");

    private TemplateConversion() {
    }

    /** The Qute form of one old template part; {@code null} stays {@code null}. */
    public static String toQute(String part, String handlebars) {
        if (handlebars == null) {
            return null;
        }
        String qute = convert(part, handlebars);
        try {
            TemplateSandbox.parse(qute, HTML);
        } catch (TemplateException e) {
            throw new RowRejected(part + " does not parse after conversion: " + e.getMessage());
        }
        return qute;
    }

    private static String convert(String part, String source) {
        StringBuilder out = new StringBuilder();
        Deque<Block> blocks = new ArrayDeque<>();
        Matcher token = TOKEN.matcher(source);
        int last = 0;
        while (token.find()) {
            out.append(literal(source.substring(last, token.start())));
            last = token.end();
            String body = token.group(2).trim();
            if (body.startsWith("!")) {
                String comment = body.replaceFirst("^!(--)?", "").replaceFirst("(--)?$", "").replace("!}", "").trim();
                out.append("{! ").append(comment).append(" !}");
            } else if (body.startsWith("#each ")) {
                String list = path(part, body.substring(6).trim(), blocks);
                Block block = Block.loop(list, (int) blocks.stream().filter(b -> b.alias != null).count());
                out.append("{#for ").append(block.alias).append(" in ").append(list).append("}");
                blocks.push(block);
            } else if (body.startsWith("#if ")) {
                out.append("{#if ").append(path(part, body.substring(4).trim(), blocks)).append("}");
                blocks.push(Block.condition("if"));
            } else if (body.startsWith("#unless ")) {
                out.append("{#if !").append(path(part, body.substring(8).trim(), blocks)).append("}");
                blocks.push(Block.condition("unless"));
            } else if ("else".equals(body)) {
                if (blocks.isEmpty() || blocks.peek().alias != null) {
                    throw new RowRejected(part + " has {{else}} outside an #if or #unless");
                }
                out.append("{#else}");
            } else if (body.startsWith("/")) {
                String name = body.substring(1).trim();
                Block open = blocks.poll();
                if (open == null || !open.helper.equals(name)) {
                    throw new RowRejected(part + " closes {{/" + name + "}} without a matching open block");
                }
                out.append(open.alias != null ? "{/for}" : "{/if}");
            } else if (body.startsWith("#") || body.startsWith(">") || body.contains(" ")) {
                throw new RowRejected(part + " uses {{" + LegacyValues.abbreviate(body) + "}}, a Handlebars helper or partial"
                        + " with no Qute counterpart here");
            } else {
                out.append("{").append(path(part, body, blocks)).append("}");
            }
        }
        if (!blocks.isEmpty()) {
            throw new RowRejected(part + " leaves {{#" + blocks.peek().helper + "}} open");
        }
        out.append(literal(source.substring(last)));
        return out.toString();
    }

    // Text outside placeholders is printed as it is: a brace in CSS or prose must not start a Qute expression.
    private static String literal(String text) {
        return text.replace("{", "\\{");
    }

    // A Handlebars path in Qute terms: inside #each, bare names are the current item's fields.
    private static String path(String part, String handlebars, Deque<Block> blocks) {
        String name = handlebars.startsWith("this.") ? handlebars.substring(5) : handlebars;
        Block loop = blocks.stream().filter(b -> b.alias != null).findFirst().orElse(null);
        if (loop != null && !handlebars.startsWith("../")) {
            if ("this".equals(name)) {
                return loop.alias;
            }
            if (name.startsWith("@")) {
                return switch (name) {
                    case "@index" -> loop.alias + "_index";
                    case "@first" -> loop.alias + "_isFirst";
                    case "@last" -> loop.alias + "_isLast";
                    default -> throw new RowRejected(part + " uses {{" + name + "}}, which has no Qute counterpart");
                };
            }
            String head = name.split("\\.", 2)[0];
            if (loop.fields.contains(head)) {
                return loop.alias + "." + name;
            }
            throw new RowRejected(part + " uses {{" + handlebars + "}} inside {{#each " + loop.list + "}}; its items have "
                    + String.join(", ", new java.util.TreeSet<>(loop.fields)));
        }
        String topName = name.replaceFirst("^(\\.\\./)+", "");
        String head = topName.split("\\.", 2)[0];
        String mapped = TOP_LEVEL.get(head);
        if (mapped == null) {
            throw new RowRejected(part + " uses {{" + handlebars + "}}, which the product does not provide (it has "
                    + String.join(", ", new java.util.TreeSet<>(TOP_LEVEL.keySet())) + ")");
        }
        return topName.length() == head.length() ? mapped : mapped + topName.substring(head.length());
    }

    private record Block(String helper, String alias, String list, java.util.Set<String> fields) {

        static Block loop(String list, int depth) {
            boolean groups = list.endsWith("groups");
            String alias = (groups ? "group" : "event") + (depth == 0 ? "" : String.valueOf(depth + 1));
            return new Block("each", alias, list, groups ? GROUP_FIELDS : EVENT_FIELDS);
        }

        static Block condition(String helper) {
            return new Block(helper, null, null, java.util.Set.of());
        }
    }
}
