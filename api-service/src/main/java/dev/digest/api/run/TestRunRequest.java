package dev.digest.api.run;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** Where to send a test run of a digest. */
public record TestRunRequest(@NotBlank @Email @Size(max = 254) String to) {
}
