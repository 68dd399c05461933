package dev.digest.api.digest;

import dev.digest.api.schedule.ValidCron;
import dev.digest.api.schedule.ValidTimeZone;
import dev.digest.common.digest.EmptyWindowPolicy;
import dev.digest.common.digest.MissedRunPolicy;
import dev.digest.api.web.Address;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.UUID;

/**
 * Create or replace a digest. On create, {@code templateId} names a digest template whose
 * event types, schedule, time zone, email template and empty-window policy fill in the fields
 * this request leaves out. The hard size bounds here stop oversized input before any work;
 * the configured recipient limit is checked by the service.
 */
public record DigestRequest(
        @NotBlank @Size(max = 200) String name,
        @Size(max = 2000) String description,
        @Size(max = 1000) List<@NotBlank @Size(max = 128) String> eventTypes,
        @Size(max = 120) @ValidCron String cron,
        @Size(max = 64) @ValidTimeZone String timeZone,
        @NotEmpty @Size(max = 10000) List<@Address String> recipients,
        UUID emailTemplateId,
        Boolean enabled,
        EmptyWindowPolicy emptyWindow,
        MissedRunPolicy missedRuns,
        UUID templateId,
        Long version) {
}
