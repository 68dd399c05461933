package dev.digest.api.eventtype;

import dev.digest.api.tenant.TenantRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** An application's event types. */
@ApplicationScoped
@WithSession
public class EventTypeRepository extends TenantRepository<EventType> {

    public EventTypeRepository() {
        super("Event type");
    }

    /** Those of {@code keys} that are not event types of the application, in the order given. */
    public Uni<List<String>> missingKeys(UUID applicationId, Collection<String> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return getSession().chain(session -> session
                .createSelectionQuery("select key from EventType where applicationId = :app and key in :keys", String.class)
                .setParameter("app", applicationId)
                .setParameter("keys", Set.copyOf(keys))
                .getResultList())
                .map(found -> {
                    Set<String> existing = new HashSet<>(found);
                    return keys.stream().filter(key -> !existing.contains(key)).distinct().toList();
                });
    }
}
