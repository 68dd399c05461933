package dev.digest.api.apikey;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.digest.api.auth.Scope;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * A key as the API shows it. {@code key} is present only in the answer to its creation:
 * only its hash is kept, so it cannot be shown again.
 */
@RegisterForReflection(registerFullHierarchy = true)
public record ApiKeyResponse(
        UUID id,
        UUID applicationId,
        String name,
        List<Scope> scopes,
        String prefix,
        @JsonInclude(JsonInclude.Include.NON_NULL) String key,
        boolean revoked,
        Instant revokedAt,
        Instant lastUsedAt,
        long version,
        Instant createdAt,
        Instant updatedAt) {

    public static ApiKeyResponse from(ApiKey key) {
        return withSecret(key, null);
    }

    public static ApiKeyResponse withSecret(ApiKey key, String secret) {
        List<Scope> scopes = Arrays.stream(key.scopes).map(Scope::fromWire).sorted().toList();
        return new ApiKeyResponse(key.id, key.applicationId, key.name, scopes, key.prefix, secret,
                key.revokedAt != null, key.revokedAt, key.lastUsedAt, key.version, key.createdAt, key.updatedAt);
    }
}
