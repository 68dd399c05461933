package dev.digest.api.tenant;

import dev.digest.api.domain.NotFoundException;
import dev.digest.api.web.PageRequest;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads of one application's rows. Every query names the application, so a row of another
 * tenant is exactly as invisible as a missing one.
 */
public abstract class TenantRepository<E extends TenantEntity> implements PanacheRepositoryBase<E, UUID> {

    private final String noun;

    protected TenantRepository(String noun) {
        this.noun = noun;
    }

    /** The row, or a 404 problem when it does not exist in this application. */
    public Uni<E> findOwned(UUID applicationId, UUID id) {
        return find("applicationId = :app and id = :id", Parameters.with("app", applicationId).and("id", id))
                .firstResult()
                .onItem().ifNull().failWith(() -> NotFoundException.of(noun));
    }

    /**
     * One page in id order. {@code filter} is an extra JPQL condition over named parameters
     * ({@code ""} for none); ids are time-ordered, so this is creation order.
     */
    public Uni<List<E>> page(UUID applicationId, String filter, Map<String, Object> filterParameters, PageRequest page) {
        // A null application is the admin's view of every application (see Access.orAdmin).
        Parameters parameters = applicationId == null ? new Parameters() : Parameters.with("app", applicationId);
        filterParameters.forEach(parameters::and);
        StringBuilder query = new StringBuilder(applicationId == null ? "1 = 1" : "applicationId = :app");
        if (!filter.isEmpty()) {
            query.append(" and ").append(filter);
        }
        if (page.after() != null) {
            query.append(" and id > :after");
            parameters.and("after", page.after());
        }
        query.append(" order by id");
        return find(query.toString(), parameters).range(0, page.fetchSize() - 1).list();
    }
}
