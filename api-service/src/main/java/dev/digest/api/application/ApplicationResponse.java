package dev.digest.api.application;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.UUID;

/** An application as the API shows it. */
@RegisterForReflection(registerFullHierarchy = true)
public record ApplicationResponse(UUID id, String name, String slug, String senderName, String senderAddress,
        String replyTo, long version, Instant createdAt, Instant updatedAt) {

    public static ApplicationResponse from(Application application) {
        return new ApplicationResponse(application.id, application.name, application.slug, application.senderName,
                application.senderAddress, application.replyTo, application.version,
                application.createdAt, application.updatedAt);
    }
}
