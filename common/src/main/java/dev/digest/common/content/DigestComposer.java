package dev.digest.common.content;

import io.quarkus.qute.RawString;
import io.quarkus.qute.Template;
import io.quarkus.qute.Variant;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a digest, its window and the window's events into emails. The worker sends what this
 * renders and the api's preview shows it, so the two cannot drift apart.
 *
 * <p>What a template sees is documented in the README (Content): {@code digest}, {@code window},
 * {@code recipient}, {@code unsubscribeUrl}, {@code eventCount}, {@code empty},
 * {@code badEventCount}, {@code groups} (type, name, count, events, more) and {@code events}.
 */
@Singleton
public class DigestComposer {

    /** A line template's default: the payload as compact JSON. */
    static final String DEFAULT_LINE = "{json}";
    private static final int JSON_SUMMARY_MAX = 300;
    private static final Variant HTML = Variant.forContentType(Variant.TEXT_HTML);
    private static final Variant TEXT = Variant.forContentType(Variant.TEXT_PLAIN);

    private final int maxEventsPerType;

    @Inject
    public DigestComposer(ContentConfig config) {
        this(config.maxEventsPerType());
    }

    public DigestComposer(int maxEventsPerType) {
        if (maxEventsPerType < 1) {
            throw new IllegalArgumentException("digest.content.max-events-per-type must be at least 1");
        }
        this.maxEventsPerType = maxEventsPerType;
    }

    /** Rows to read per event type: the listing, and as many again to stand in for events that fail to render. */
    public int rowsPerType() {
        return maxEventsPerType * 2;
    }

    /**
     * Renders every listed event's line and parses the email template once for all recipients.
     * An event whose line cannot be rendered is left out and reported in {@link Prepared#badEvents()};
     * an email template that does not parse throws {@code TemplateException}.
     */
    public Prepared prepare(DigestSnapshot digest, Window window, List<EventGroup> groups) {
        List<BadEvent> bad = new ArrayList<>();
        List<Map<String, Object>> htmlGroups = new ArrayList<>();
        List<Map<String, Object>> textGroups = new ArrayList<>();
        List<Map<String, Object>> htmlEvents = new ArrayList<>();
        List<Map<String, Object>> textEvents = new ArrayList<>();
        long eventCount = 0;
        for (EventGroup group : groups) {
            Lines lines = lines(group.lineTemplate());
            List<Map<String, Object>> htmlItems = new ArrayList<>();
            List<Map<String, Object>> textItems = new ArrayList<>();
            int badHere = 0;
            for (WindowEvent event : group.first()) {
                if (htmlItems.size() == maxEventsPerType) {
                    break;
                }
                Map<String, Object> item = eventData(event);
                try {
                    String html = lines.render(HTML, item);
                    String text = lines.render(TEXT, item);
                    htmlItems.add(withLine(item, new RawString(html)));
                    textItems.add(withLine(item, text));
                } catch (RuntimeException e) {
                    // Any failure of one event's line (missing field, wrong type) costs only that event.
                    bad.add(new BadEvent(event.id(), event.type(), describe(e)));
                    badHere++;
                }
            }
            long count = group.total() - badHere;
            eventCount += count;
            htmlGroups.add(groupData(group, count, htmlItems));
            textGroups.add(groupData(group, count, textItems));
            htmlEvents.addAll(htmlItems);
            textEvents.addAll(textItems);
        }
        Map<String, Object> shared = new HashMap<>();
        shared.put("digest", Map.of("id", digest.id().toString(), "name", digest.name(),
                "description", digest.description() == null ? "" : digest.description()));
        shared.put("window", Map.of("start", window.start().toString(), "end", window.end().toString()));
        shared.put("eventCount", eventCount);
        shared.put("empty", eventCount == 0);
        shared.put("badEventCount", bad.size());
        Map<String, Object> htmlData = new HashMap<>(shared);
        htmlData.put("groups", htmlGroups);
        htmlData.put("events", htmlEvents);
        Map<String, Object> textData = new HashMap<>(shared);
        textData.put("groups", textGroups);
        textData.put("events", textEvents);
        return new Prepared(eventCount, List.copyOf(bad), TemplateSandbox.parse(digest.subject(), TEXT),
                TemplateSandbox.parse(digest.html(), HTML), TemplateSandbox.parse(digest.text(), TEXT), htmlData,
                textData);
    }

    /** A digest ready to be rendered for each recipient. */
    public static final class Prepared {

        private final long eventCount;
        private final List<BadEvent> badEvents;
        private final Template subject;
        private final Template html;
        private final Template text;
        private final Map<String, Object> htmlData;
        private final Map<String, Object> textData;

        Prepared(long eventCount, List<BadEvent> badEvents, Template subject, Template html, Template text,
                Map<String, Object> htmlData, Map<String, Object> textData) {
            this.eventCount = eventCount;
            this.badEvents = badEvents;
            this.subject = subject;
            this.html = html;
            this.text = text;
            this.htmlData = htmlData;
            this.textData = textData;
        }

        /** Events in the window, less those left out. */
        public long eventCount() {
            return eventCount;
        }

        public List<BadEvent> badEvents() {
            return badEvents;
        }

        /** {@code TemplateException} when the email template cannot render this data. */
        public RenderedEmail render(String recipient, String unsubscribeUrl) {
            Map<String, Object> forText = new HashMap<>(textData);
            forText.put("recipient", recipient);
            forText.put("unsubscribeUrl", unsubscribeUrl);
            Map<String, Object> forHtml = new HashMap<>(htmlData);
            forHtml.put("recipient", recipient);
            forHtml.put("unsubscribeUrl", unsubscribeUrl);
            // A subject is one header line, whatever the template's line breaks.
            String subjectLine = TemplateSandbox.render(subject, forText).replaceAll("\\s+", " ").strip();
            return new RenderedEmail(subjectLine, TemplateSandbox.render(html, forHtml),
                    TemplateSandbox.render(text, forText));
        }
    }

    private Lines lines(String lineTemplate) {
        String source = lineTemplate == null || lineTemplate.isBlank() ? DEFAULT_LINE : lineTemplate;
        try {
            return new Lines(TemplateSandbox.parse(source, HTML), TemplateSandbox.parse(source, TEXT), null);
        } catch (RuntimeException e) {
            return new Lines(null, null, e);
        }
    }

    private record Lines(Template html, Template text, RuntimeException parseError) {

        String render(Variant variant, Map<String, Object> item) {
            if (parseError != null) {
                throw parseError;
            }
            return TemplateSandbox.render(variant == HTML ? html : text, item).strip();
        }
    }

    private static Map<String, Object> eventData(WindowEvent event) {
        Map<String, Object> item = new HashMap<>();
        item.put("id", event.id().toString());
        item.put("type", event.type());
        item.put("payload", event.payload());
        item.put("occurredAt", event.occurredAt().toString());
        item.put("receivedAt", event.receivedAt().toString());
        String json = new JsonObject(event.payload()).encode();
        item.put("json", json.length() > JSON_SUMMARY_MAX ? json.substring(0, JSON_SUMMARY_MAX) + "…" : json);
        return item;
    }

    private static Map<String, Object> withLine(Map<String, Object> item, Object line) {
        Map<String, Object> copy = new HashMap<>(item);
        copy.put("line", line);
        return copy;
    }

    private static Map<String, Object> groupData(EventGroup group, long count, List<Map<String, Object>> items) {
        return Map.of("type", group.type(), "name", group.name(), "count", count, "events", items,
                "more", Math.max(0, count - items.size()));
    }

    private static String describe(RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.length() > 300 ? message.substring(0, 300) : message;
    }
}
