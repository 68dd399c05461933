package dev.digest.api.application;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Create or replace an application. {@code version} guards a replace when no If-Match is sent.
 * The sender fields are optional (the worker's configured sender stands in) and must be safe in
 * a mail header: addresses as for recipients, a name without control characters, quotes,
 * angle brackets, commas or semicolons.
 */
public record ApplicationRequest(
        @NotBlank @Size(max = 200) String name,
        @NotBlank
        @Pattern(regexp = "^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$",
                message = "must be 1 to 63 lower-case letters, digits and inner hyphens")
        String slug,
        @Size(max = 200)
        @Pattern(regexp = "[^\\p{Cc}\\p{Cf}<>\"\\\\,;]+",
                message = "must not contain control characters, quotes, angle brackets, commas or semicolons")
        String senderName,
        @Email @Size(max = 254)
        @Pattern(regexp = "[^\\p{Cc}\\p{Cf}\\p{Z}<>,;\"]+", message = "must not contain spaces, control or invisible formatting characters")
        String senderAddress,
        @Email @Size(max = 254)
        @Pattern(regexp = "[^\\p{Cc}\\p{Cf}\\p{Z}<>,;\"]+", message = "must not contain spaces, control or invisible formatting characters")
        String replyTo,
        Long version) {
}
