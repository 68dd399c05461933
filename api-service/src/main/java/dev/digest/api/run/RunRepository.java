package dev.digest.api.run;

import dev.digest.api.domain.NotFoundException;
import dev.digest.api.web.PageRequest;
import dev.digest.common.run.RunStatus;
import dev.digest.common.run.RunTrigger;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An application's runs and their email logs. */
@ApplicationScoped
@WithSession
public class RunRepository implements PanacheRepositoryBase<Run, UUID> {

    /** The application's run (any application's for a null one: the admin's view); 404 otherwise. */
    public Uni<Run> findOwned(UUID applicationId, UUID id) {
        Uni<Run> found = applicationId == null ? findById(id)
                : find("applicationId = :app and id = :id", Parameters.with("app", applicationId).and("id", id))
                        .firstResult();
        return found
                .onItem().ifNull().failWith(() -> NotFoundException.of("Run"));
    }

    /** Newest first: people look for the latest runs. */
    public Uni<List<Run>> page(UUID applicationId, RunFilter filter, PageRequest page) {
        StringBuilder query = new StringBuilder("1 = 1");
        Parameters parameters = new Parameters();
        if (applicationId != null) {
            query.append(" and applicationId = :app");
            parameters.and("app", applicationId);
        }
        if (filter.digestId() != null) {
            query.append(" and digestId = :digest");
            parameters.and("digest", filter.digestId());
        }
        if (filter.status() != null) {
            query.append(" and status = :status");
            parameters.and("status", filter.status());
        }
        if (filter.trigger() != null) {
            query.append(" and trigger = :trigger");
            parameters.and("trigger", filter.trigger());
        }
        if (filter.createdFrom() != null) {
            query.append(" and createdAt >= :from");
            parameters.and("from", filter.createdFrom());
        }
        if (filter.createdBefore() != null) {
            query.append(" and createdAt < :to");
            parameters.and("to", filter.createdBefore());
        }
        if (page.after() != null) {
            query.append(" and id < :after");
            parameters.and("after", page.after());
        }
        return find(query.append(" order by id desc").toString(), parameters)
                .range(0, page.fetchSize() - 1).list();
    }

    public Uni<List<EmailLog>> emailLogs(UUID runId) {
        return getSession().chain(session -> session
                .createSelectionQuery("from EmailLog where runId = :run order by recipient", EmailLog.class)
                .setParameter("run", runId)
                .getResultList());
    }

    /** Filters of the run list; null means any. Created in [createdFrom, createdBefore). */
    public record RunFilter(UUID digestId, RunStatus status, RunTrigger trigger, Instant createdFrom,
            Instant createdBefore) {
    }
}
