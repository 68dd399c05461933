package dev.digest.api.application;

import dev.digest.api.domain.NotFoundException;
import dev.digest.api.web.LikePattern;
import dev.digest.api.web.PageRequest;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** Applications, for the admin. */
@ApplicationScoped
@WithSession
public class ApplicationRepository implements PanacheRepositoryBase<Application, UUID> {

    public Uni<Application> findExisting(UUID id) {
        return findById(id).onItem().ifNull().failWith(() -> NotFoundException.of("Application"));
    }

    /** One page in creation order, optionally only slugs starting with {@code slugPrefix}. */
    public Uni<List<Application>> page(String slugPrefix, PageRequest page) {
        Parameters parameters = Parameters.with("after", page.after() == null ? new UUID(0, 0) : page.after());
        String query = "id > :after";
        if (slugPrefix != null && !slugPrefix.isEmpty()) {
            query += " and slug like :prefix escape '\\'";
            parameters.and("prefix", LikePattern.prefix(slugPrefix));
        }
        return find(query + " order by id", parameters).range(0, page.fetchSize() - 1).list();
    }
}
