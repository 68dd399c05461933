package dev.digest.common.content;

import dev.digest.common.digest.EmptyWindowPolicy;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * What rendering needs of a digest and its email template, read once per run attempt or
 * preview: also the digest's time zone (dates in templates are shown in it) and its
 * application's sender.
 */
public record DigestSnapshot(UUID id, UUID applicationId, String name, String description, List<String> eventTypes,
        List<String> recipients, EmptyWindowPolicy emptyWindow, String subject, String html, String text,
        ZoneId timeZone, Sender sender) {

    public DigestSnapshot {
        timeZone = timeZone == null ? ZoneOffset.UTC : timeZone;
        sender = sender == null ? Sender.DEFAULT : sender;
    }

    /** A digest in UTC with the worker's sender. */
    public DigestSnapshot(UUID id, UUID applicationId, String name, String description, List<String> eventTypes,
            List<String> recipients, EmptyWindowPolicy emptyWindow, String subject, String html, String text) {
        this(id, applicationId, name, description, eventTypes, recipients, emptyWindow, subject, html, text, null, null);
    }
}
