package dev.digest.api.preview;

import dev.digest.common.content.BadEvent;
import dev.digest.common.content.Sender;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The email a run of the digest would send now, to one recipient. {@code wouldSkip} says the
 * window is empty and the digest skips empty windows; {@code unsubscribed} that this recipient
 * would be skipped; {@code sender} is the application's own sender (null fields: the worker's).
 */
public record DigestPreview(UUID digestId, String recipient, Instant windowStart, Instant windowEnd, long eventCount,
        int badEventCount, List<BadEvent> badEvents, boolean wouldSkip, boolean unsubscribed, String subject,
        String html, String text, String timeZone, Sender sender) {
}
