package dev.digest.api.digesttemplate;

import dev.digest.common.digest.EmptyWindowPolicy;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A digest template as the API shows it. */
@RegisterForReflection(registerFullHierarchy = true)
public record DigestTemplateResponse(UUID id, String name, String description, List<String> eventTypes, String cron,
        String timeZone, UUID emailTemplateId, EmptyWindowPolicy emptyWindow, long version, Instant createdAt,
        Instant updatedAt) {

    public static DigestTemplateResponse from(DigestTemplate preset) {
        return new DigestTemplateResponse(preset.id, preset.name, preset.description, List.of(preset.eventTypes),
                preset.cron, preset.timeZone, preset.emailTemplateId, preset.emptyWindow, preset.version,
                preset.createdAt, preset.updatedAt);
    }
}
