package dev.digest.api.apikey;

import dev.digest.api.auth.Scope;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.Set;

/** Create or replace a key's name and scopes. The secret itself is never chosen by the client. */
public record ApiKeyRequest(
        @NotBlank @Size(max = 200) String name,
        @NotEmpty Set<@NotNull Scope> scopes,
        Long version) {
}
