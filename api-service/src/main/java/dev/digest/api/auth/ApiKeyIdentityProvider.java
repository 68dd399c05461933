package dev.digest.api.auth;

import dev.digest.api.config.ApiConfig;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Turns a presented key into an identity: the admin key (compared in constant time) holds the
 * {@link Roles#ADMIN} role; an application key holds its scopes as roles and carries its
 * application and key ids as attributes. Unknown and revoked keys fail authentication.
 */
@ApplicationScoped
public class ApiKeyIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    private final ApiConfig config;
    private final ApiKeyLookup lookup;

    public ApiKeyIdentityProvider(ApiConfig config, ApiKeyLookup lookup) {
        this.config = config;
        this.lookup = lookup;
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        String key = request.getToken().getToken();
        if (KeyHashing.sameKey(key, config.adminKey())) {
            return Uni.createFrom().item(QuarkusSecurityIdentity.builder()
                    .setPrincipal(new QuarkusPrincipal(Roles.ADMIN))
                    .addRole(Roles.ADMIN)
                    .build());
        }
        return lookup.find(key).onItem().ifNull()
                .failWith(() -> new AuthenticationFailedException("The API key is unknown or revoked"));
    }
}
