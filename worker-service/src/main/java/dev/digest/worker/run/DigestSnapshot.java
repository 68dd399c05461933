package dev.digest.worker.run;

import dev.digest.common.digest.EmptyWindowPolicy;
import java.util.List;
import java.util.UUID;

/** What a run needs of its digest and email template, read once at the start of an attempt. */
public record DigestSnapshot(UUID id, String name, String description, List<String> eventTypes,
        List<String> recipients, EmptyWindowPolicy emptyWindow, String subject, String html, String text) {
}
