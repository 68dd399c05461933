package dev.digest.api.emailtemplate;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.UUID;

/** An email template as the API shows it. */
@RegisterForReflection(registerFullHierarchy = true)
public record EmailTemplateResponse(UUID id, String name, String subject, String html, String text,
        long version, Instant createdAt, Instant updatedAt) {

    public static EmailTemplateResponse from(EmailTemplate template) {
        return new EmailTemplateResponse(template.id, template.name, template.subject, template.html, template.text,
                template.version, template.createdAt, template.updatedAt);
    }
}
