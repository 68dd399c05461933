package dev.digest.common.run;

import java.util.UUID;

/** A queued run together with the stream message recorded for it. */
public record PublishedRun(UUID id, int claims, String messageId) {
}
