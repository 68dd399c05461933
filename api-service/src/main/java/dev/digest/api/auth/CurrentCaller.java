package dev.digest.api.auth;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

/**
 * The caller of the current request, read from its {@link SecurityIdentity}: only endpoints that
 * need a key use it, and there the identity has been established before the method runs.
 */
@RequestScoped
public class CurrentCaller {

    /** The {@link SecurityIdentity} attribute holding an application key's application id. */
    public static final String APPLICATION_ID = "digest.application-id";
    /** The {@link SecurityIdentity} attribute holding an application key's id. */
    public static final String KEY_ID = "digest.key-id";

    private final SecurityIdentity identity;

    public CurrentCaller(SecurityIdentity identity) {
        this.identity = identity;
    }

    public boolean admin() {
        return identity.hasRole(Roles.ADMIN);
    }

    /**
     * The application whose rows this request may see; null for the admin key, which only
     * endpoints that also allow {@link Roles#ADMIN} let in, and which see every application then.
     */
    public UUID applicationId() {
        return identity.getAttribute(APPLICATION_ID);
    }

    /** The application key's id; null for the admin key. */
    public UUID keyId() {
        return identity.getAttribute(KEY_ID);
    }

    /** An application key's scopes; none for the admin key. */
    public Set<Scope> scopes() {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (Scope scope : Scope.values()) {
            if (identity.hasRole(scope.wire())) {
                scopes.add(scope);
            }
        }
        return scopes;
    }
}
