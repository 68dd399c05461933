package dev.digest.api.apikey;

import dev.digest.api.application.ApplicationRepository;
import dev.digest.api.auth.Scope;
import dev.digest.api.web.ExpectedVersion;
import dev.digest.api.web.Page;
import dev.digest.api.web.PageRequest;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Mints, renames and revokes application keys. Revoking keeps the row so its use stays traceable. */
@ApplicationScoped
public class ApiKeyService {

    private final ApiKeyRepository keys;
    private final ApplicationRepository applications;
    private final Clock clock;

    public ApiKeyService(ApiKeyRepository keys, ApplicationRepository applications, Clock clock) {
        this.keys = keys;
        this.applications = applications;
        this.clock = clock;
    }

    /** The new key and, once only, its secret. */
    @WithTransaction
    public Uni<ApiKeyResponse> create(UUID applicationId, ApiKeyRequest request) {
        ApiKeySecret secret = ApiKeySecret.generate();
        return applications.findExisting(applicationId).chain(application -> {
            ApiKey key = new ApiKey();
            key.applicationId = application.id;
            key.name = request.name();
            key.scopes = wire(request.scopes());
            key.prefix = secret.prefix();
            key.keyHash = secret.hash();
            return keys.persistAndFlush(key);
        }).map(key -> ApiKeyResponse.withSecret(key, secret.key()));
    }

    public Uni<ApiKey> get(UUID applicationId, UUID id) {
        return keys.findOwned(applicationId, id);
    }

    public Uni<Page<ApiKeyResponse>> list(UUID applicationId, PageRequest page) {
        return applications.findExisting(applicationId)
                .chain(() -> keys.page(applicationId, "", Map.of(), page))
                .map(rows -> Page.of(rows, page, k -> k.id, ApiKeyResponse::from));
    }

    @WithTransaction
    public Uni<ApiKey> update(UUID applicationId, UUID id, ApiKeyRequest request, ExpectedVersion expected) {
        return keys.findOwned(applicationId, id).invoke(key -> {
            expected.check(key.version);
            key.name = request.name();
            key.scopes = wire(request.scopes());
        }).call(keys::flush);
    }

    /** Revokes the key; revoking a revoked key changes nothing. */
    @WithTransaction
    public Uni<Void> revoke(UUID applicationId, UUID id) {
        return keys.findOwned(applicationId, id).invoke(key -> {
            if (key.revokedAt == null) {
                key.revokedAt = clock.instant();
            }
        }).call(keys::flush).replaceWithVoid();
    }

    private static String[] wire(Set<Scope> scopes) {
        return scopes.stream().sorted().map(Scope::wire).toArray(String[]::new);
    }
}
