package dev.digest.common.content;

import dev.digest.common.digest.EmptyWindowPolicy;
import java.util.List;
import java.util.UUID;

/** What rendering needs of a digest and its email template, read once per run attempt or preview. */
public record DigestSnapshot(UUID id, UUID applicationId, String name, String description, List<String> eventTypes,
        List<String> recipients, EmptyWindowPolicy emptyWindow, String subject, String html, String text) {
}
