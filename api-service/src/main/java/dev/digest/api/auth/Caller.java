package dev.digest.api.auth;

import java.util.Set;
import java.util.UUID;

/** Who is calling: the admin, or an application key with its scopes. */
public record Caller(UUID applicationId, UUID keyId, Set<Scope> scopes, boolean admin) {

    public static Caller administrator() {
        return new Caller(null, null, Set.of(), true);
    }

    public static Caller applicationKey(UUID applicationId, UUID keyId, Set<Scope> scopes) {
        return new Caller(applicationId, keyId, Set.copyOf(scopes), false);
    }
}
