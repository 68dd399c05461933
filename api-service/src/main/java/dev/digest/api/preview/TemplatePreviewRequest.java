package dev.digest.api.preview;

import dev.digest.api.schedule.ValidTimeZone;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * Sample data for an email template: a digest name and description, a recipient, and events of
 * the application's types (their line templates apply), and the time zone dates are shown in
 * (default UTC). Everything is optional.
 */
public record TemplatePreviewRequest(
        @Size(max = 200) String digestName,
        @Size(max = 2000) String description,
        @Email @Size(max = 320) String recipient,
        @ValidTimeZone String timeZone,
        List<@Valid SampleEvent> events) {

    /** One sample event; {@code occurredAt} defaults to now. */
    public record SampleEvent(@NotBlank @Size(max = 128) String type, Map<String, Object> payload,
            OffsetDateTime occurredAt) {
    }
}
