package dev.digest.api.digesttemplate;

import dev.digest.api.schedule.ValidCron;
import dev.digest.api.schedule.ValidTimeZone;
import dev.digest.common.digest.EmptyWindowPolicy;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.UUID;

/** Create or replace a digest template. Every preset value is optional; a digest made from it supplies the rest. */
public record DigestTemplateRequest(
        @NotBlank @Size(max = 200) String name,
        @Size(max = 2000) String description,
        @Size(max = 1000) List<@NotBlank @Size(max = 128) String> eventTypes,
        @Size(max = 120) @ValidCron String cron,
        @Size(max = 64) @ValidTimeZone String timeZone,
        UUID emailTemplateId,
        EmptyWindowPolicy emptyWindow,
        Long version) {
}
