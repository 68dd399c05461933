package dev.digest.api.run;

import dev.digest.api.web.PageRequest;
import dev.digest.api.web.ProblemException;
import dev.digest.common.run.RunStatus;
import dev.digest.common.run.RunTrigger;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** An application's runs and their email logs. */
@ApplicationScoped
@WithSession
public class RunRepository implements PanacheRepositoryBase<Run, UUID> {

    public Uni<Run> findOwned(UUID applicationId, UUID id) {
        return find("applicationId = :app and id = :id", Parameters.with("app", applicationId).and("id", id))
                .firstResult()
                .onItem().ifNull().failWith(() -> ProblemException.notFound("Run"));
    }

    /** Newest first: people look for the latest runs. */
    public Uni<List<Run>> page(UUID applicationId, RunFilter filter, PageRequest page) {
        StringBuilder query = new StringBuilder("applicationId = :app");
        Parameters parameters = Parameters.with("app", applicationId);
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

    /** Filters of the run list; null means any. */
    public record RunFilter(UUID digestId, RunStatus status, RunTrigger trigger) {
    }
}
