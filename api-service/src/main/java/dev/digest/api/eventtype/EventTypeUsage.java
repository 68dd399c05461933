package dev.digest.api.eventtype;

import io.smallrye.mutiny.Uni;
import java.util.UUID;

/**
 * Which digests name an event type. Digests refer to event types by key, not by a foreign key,
 * so deleting a type asks the digests' repository through this before it goes.
 */
public interface EventTypeUsage {

    /** How many of the application's digests filter on the event type {@code key}. */
    Uni<Long> countFilteringOn(UUID applicationId, String key);
}
