package dev.digest.api.eventtype;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Create or replace an event type. The key cannot change once created: stored events refer to it. */
public record EventTypeRequest(
        @NotBlank
        @Pattern(regexp = "^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$",
                message = "must be 1 to 128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit")
        String key,
        @NotBlank @Size(max = 200) String name,
        @Size(max = 2000) String description,
        @Size(max = 10000) String lineTemplate,
        Long version) {
}
