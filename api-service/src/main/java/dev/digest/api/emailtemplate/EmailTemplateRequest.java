package dev.digest.api.emailtemplate;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** Create or replace an email template; each part must parse as a Qute template. */
public record EmailTemplateRequest(
        @NotBlank @Size(max = 200) String name,
        @NotBlank @Size(max = 998) String subject,
        @NotNull @Size(max = 512000) String html,
        @NotNull @Size(max = 256000) String text,
        Long version) {
}
