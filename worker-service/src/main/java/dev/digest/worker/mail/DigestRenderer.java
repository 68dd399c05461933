package dev.digest.worker.mail;

import dev.digest.worker.run.DigestSnapshot;
import dev.digest.worker.run.WindowEvent;
import io.quarkus.qute.Engine;
import io.quarkus.qute.Template;
import io.quarkus.qute.Variant;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a digest email with Qute. Templates see plain maps and lists only (digest, window,
 * recipient, eventCount, events, groups by type with counts), so they reach nothing but the
 * data given to them. The HTML part is parsed as HTML, which escapes every value.
 */
@ApplicationScoped
public class DigestRenderer {

    private final Engine engine;

    public DigestRenderer(Engine engine) {
        this.engine = engine;
    }

    /** {@code TemplateException} (a permanent failure) when a template cannot render the data. */
    public RenderedEmail render(DigestSnapshot digest, Instant windowStart, Instant windowEnd,
            List<WindowEvent> events, String recipient) {
        Map<String, Object> data = data(digest, windowStart, windowEnd, events, recipient);
        return new RenderedEmail(
                render(digest.subject(), Variant.TEXT_PLAIN, data).strip(),
                render(digest.html(), Variant.TEXT_HTML, data),
                render(digest.text(), Variant.TEXT_PLAIN, data));
    }

    private String render(String template, String contentType, Map<String, Object> data) {
        Template parsed = engine.parse(template, Variant.forContentType(contentType));
        return parsed.render(data);
    }

    private static Map<String, Object> data(DigestSnapshot digest, Instant start, Instant end,
            List<WindowEvent> events, String recipient) {
        Map<String, List<Map<String, Object>>> byType = new LinkedHashMap<>();
        List<Map<String, Object>> all = new ArrayList<>(events.size());
        for (WindowEvent event : events) {
            Map<String, Object> item = new HashMap<>();
            item.put("id", event.id().toString());
            item.put("type", event.type());
            item.put("payload", event.payload() == null ? Map.of() : event.payload().getMap());
            item.put("occurredAt", event.occurredAt().toString());
            item.put("receivedAt", event.receivedAt().toString());
            all.add(item);
            byType.computeIfAbsent(event.type(), type -> new ArrayList<>()).add(item);
        }
        List<Map<String, Object>> groups = new ArrayList<>();
        byType.forEach((type, items) -> groups.add(Map.of("type", type, "count", items.size(), "events", items)));

        Map<String, Object> data = new HashMap<>();
        data.put("digest", Map.of("id", digest.id().toString(), "name", digest.name(),
                "description", digest.description() == null ? "" : digest.description()));
        data.put("window", Map.of("start", start.toString(), "end", end.toString()));
        data.put("recipient", recipient);
        data.put("eventCount", events.size());
        data.put("events", all);
        data.put("groups", groups);
        return data;
    }
}
