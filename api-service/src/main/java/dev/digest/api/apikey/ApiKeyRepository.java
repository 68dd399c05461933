package dev.digest.api.apikey;

import dev.digest.api.tenant.TenantRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import jakarta.enterprise.context.ApplicationScoped;

/** An application's API keys. */
@ApplicationScoped
@WithSession
public class ApiKeyRepository extends TenantRepository<ApiKey> {

    public ApiKeyRepository() {
        super("API key");
    }
}
