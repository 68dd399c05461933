package dev.digest.api.application;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Create or replace an application. {@code version} guards a replace when no If-Match is sent. */
public record ApplicationRequest(
        @NotBlank @Size(max = 200) String name,
        @NotBlank
        @Pattern(regexp = "^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$",
                message = "must be 1 to 63 lower-case letters, digits and inner hyphens")
        String slug,
        Long version) {
}
