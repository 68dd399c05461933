package dev.digest.common.content;

import dev.digest.common.content.TemplateSandbox.RenderContext;
import io.quarkus.qute.RawString;
import io.quarkus.qute.Template;
import io.quarkus.qute.Variant;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Turns a digest, its window and the window's events into emails. The worker sends what this
 * renders and the api's preview shows it, so the two cannot drift apart.
 *
 * <p>What a template sees is documented in the README (Content): {@code digest}, {@code window},
 * {@code recipient}, {@code unsubscribeUrl}, {@code eventCount}, {@code empty},
 * {@code badEventCount}, {@code groups} (type, name, count, events, more) and {@code events}.
 *
 * <p>Rendering runs a tenant's template, bounded by {@link TemplateLimits}; callers on an event
 * loop use {@link #prepareAsync} and {@link #renderAsync}, which render on a worker thread
 * within the render time budget.
 */
@Singleton
public class DigestComposer {

    /** A line template's default: the payload as compact JSON. */
    static final String DEFAULT_LINE = "{json}";
    private static final int JSON_SUMMARY_MAX = 300;
    private static final Variant HTML = Variant.forContentType(Variant.TEXT_HTML);
    private static final Variant TEXT = Variant.forContentType(Variant.TEXT_PLAIN);

    // Past the render's own deadline, which the template's loops check: a little slack for the
    // thread hop and a render that is just finishing.
    private static final Duration TIMEOUT_SLACK = Duration.ofMillis(500);

    private final int maxEventsPerType;
    private final TemplateLimits limits;

    @Inject
    public DigestComposer(ContentConfig config) {
        this(config.maxEventsPerType(), TemplateLimits.from(config.limits()));
    }

    public DigestComposer(int maxEventsPerType) {
        this(maxEventsPerType, TemplateLimits.DEFAULTS);
    }

    public DigestComposer(int maxEventsPerType, TemplateLimits limits) {
        if (maxEventsPerType < 1) {
            throw new IllegalArgumentException("digest.content.max-events-per-type must be at least 1");
        }
        this.maxEventsPerType = maxEventsPerType;
        this.limits = limits;
    }

    public TemplateLimits limits() {
        return limits;
    }

    /**
     * {@link #prepare} on a worker thread, emitted back on the caller's Vert.x context (if it has
     * one). Fails with a {@code TemplateException} when the template is broken or goes past a
     * limit, the render time budget included.
     */
    public Uni<Prepared> prepareAsync(DigestSnapshot digest, Window window, List<EventGroup> groups) {
        return offload(() -> prepare(digest, window, groups));
    }

    /** {@link Prepared#render} on a worker thread, like {@link #prepareAsync}. */
    public Uni<RenderedEmail> renderAsync(Prepared prepared, String recipient, String unsubscribeUrl) {
        return offload(() -> prepared.render(recipient, unsubscribeUrl));
    }

    private <T> Uni<T> offload(Supplier<T> work) {
        Context caller = Vertx.currentContext();
        Uni<T> rendered = Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .ifNoItem().after(limits.renderTimeout().plus(TIMEOUT_SLACK))
                .failWith(() -> RenderBudget.timedOut(limits));
        return caller == null ? rendered : rendered.emitOn(task -> caller.runOnContext(ignored -> task.run()));
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
        // One budget of time for all the lines: each line is bounded, but a window has many.
        RenderContext lineContext = RenderContext.start(limits, digest.timeZone());
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
                    String html = lines.render(HTML, item, lineContext);
                    String text = lines.render(TEXT, item, lineContext);
                    htmlItems.add(withLine(item, new RawString(html)));
                    textItems.add(withLine(item, text));
                } catch (RuntimeException e) {
                    if (System.nanoTime() - lineContext.deadlineNanos() > 0) {
                        // Out of time is the digest's failure, not this event's.
                        throw RenderBudget.timedOut(limits);
                    }
                    // Any other failure of one event's line (missing field, wrong type, a limit)
                    // costs only that event.
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
                "description", digest.description() == null ? "" : digest.description(),
                "timeZone", digest.timeZone().getId()));
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
        return new Prepared(eventCount, List.copyOf(bad), TemplateSandbox.parse(digest.subject(), TEXT, limits),
                TemplateSandbox.parse(digest.html(), HTML, limits), TemplateSandbox.parse(digest.text(), TEXT, limits),
                htmlData, textData, limits, digest.timeZone(), digest.sender());
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
        private final TemplateLimits limits;
        private final ZoneId zone;
        private final Sender sender;

        Prepared(long eventCount, List<BadEvent> badEvents, Template subject, Template html, Template text,
                Map<String, Object> htmlData, Map<String, Object> textData, TemplateLimits limits, ZoneId zone,
                Sender sender) {
            this.eventCount = eventCount;
            this.badEvents = badEvents;
            this.subject = subject;
            this.html = html;
            this.text = text;
            this.htmlData = htmlData;
            this.textData = textData;
            this.limits = limits;
            this.zone = zone;
            this.sender = sender;
        }

        /** Events in the window, less those left out. */
        public long eventCount() {
            return eventCount;
        }

        public List<BadEvent> badEvents() {
            return badEvents;
        }

        /**
         * {@code TemplateException} when the email template cannot render this data or goes past
         * a limit. It runs the tenant's template: on an event loop, use {@link DigestComposer#renderAsync}.
         */
        public RenderedEmail render(String recipient, String unsubscribeUrl) {
            RenderContext context = RenderContext.start(limits, zone);
            Map<String, Object> forText = new HashMap<>(textData);
            forText.put("recipient", recipient);
            forText.put("unsubscribeUrl", unsubscribeUrl);
            Map<String, Object> forHtml = new HashMap<>(htmlData);
            forHtml.put("recipient", recipient);
            forHtml.put("unsubscribeUrl", unsubscribeUrl);
            // A subject is one header line, whatever the template's line breaks.
            String subjectLine = TemplateSandbox.render(subject, forText, context, limits.maxSubjectChars())
                    .replaceAll("\\s+", " ").strip();
            return new RenderedEmail(subjectLine, TemplateSandbox.render(html, forHtml, context, limits.maxPartChars()),
                    TemplateSandbox.render(text, forText, context, limits.maxPartChars()), sender);
        }
    }

    private Lines lines(String lineTemplate) {
        String source = lineTemplate == null || lineTemplate.isBlank() ? DEFAULT_LINE : lineTemplate;
        try {
            return new Lines(TemplateSandbox.parse(source, HTML, limits), TemplateSandbox.parse(source, TEXT, limits), null);
        } catch (RuntimeException e) {
            return new Lines(null, null, e);
        }
    }

    private record Lines(Template html, Template text, RuntimeException parseError) {

        String render(Variant variant, Map<String, Object> item, RenderContext context) {
            if (parseError != null) {
                throw parseError;
            }
            return TemplateSandbox.render(variant == HTML ? html : text, item, context, context.limits().maxLineChars())
                    .strip();
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
        return TemplateMessages.describe(e);
    }
}
