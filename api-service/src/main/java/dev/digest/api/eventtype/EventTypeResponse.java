package dev.digest.api.eventtype;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.UUID;

/** An event type as the API shows it. */
@RegisterForReflection(registerFullHierarchy = true)
public record EventTypeResponse(UUID id, String key, String name, String description, String lineTemplate,
        long version, Instant createdAt, Instant updatedAt) {

    public static EventTypeResponse from(EventType type) {
        return new EventTypeResponse(type.id, type.key, type.name, type.description, type.lineTemplate,
                type.version, type.createdAt, type.updatedAt);
    }
}
