package dev.digest.api.preview;

import dev.digest.common.content.BadEvent;
import java.util.List;

/** An email template rendered over sample events. */
public record TemplatePreview(long eventCount, int badEventCount, List<BadEvent> badEvents, String subject,
        String html, String text) {
}
