package dev.digest.api.digest;

import dev.digest.api.eventtype.EventTypeUsage;
import dev.digest.api.tenant.TenantRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** An application's digests. */
@ApplicationScoped
@WithSession
public class DigestRepository extends TenantRepository<Digest> implements EventTypeUsage {

    public DigestRepository() {
        super("Digest");
    }

    @Override
    public Uni<Long> countFilteringOn(UUID applicationId, String key) {
        // Native: HQL's array functions bind varchar[] against the text[] column.
        return getSession().chain(session -> session
                .createNativeQuery("select count(*) from digest_digests where application_id = :app"
                        + " and event_types @> array[cast(:key as text)]", Long.class)
                .setParameter("app", applicationId)
                .setParameter("key", key)
                .getSingleResult());
    }
}
