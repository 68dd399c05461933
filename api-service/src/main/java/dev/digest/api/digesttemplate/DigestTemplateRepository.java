package dev.digest.api.digesttemplate;

import dev.digest.api.tenant.TenantRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import jakarta.enterprise.context.ApplicationScoped;

/** An application's digest templates. */
@ApplicationScoped
@WithSession
public class DigestTemplateRepository extends TenantRepository<DigestTemplate> {

    public DigestTemplateRepository() {
        super("Digest template");
    }
}
