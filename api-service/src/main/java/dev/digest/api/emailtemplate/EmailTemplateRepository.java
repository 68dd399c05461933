package dev.digest.api.emailtemplate;

import dev.digest.api.tenant.TenantRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** An application's email templates. */
@ApplicationScoped
@WithSession
public class EmailTemplateRepository extends TenantRepository<EmailTemplate> {

    public EmailTemplateRepository() {
        super("Email template");
    }

    public Uni<Boolean> existsOwned(UUID applicationId, UUID id) {
        return count("applicationId = :app and id = :id", Parameters.with("app", applicationId).and("id", id))
                .map(count -> count > 0);
    }
}
