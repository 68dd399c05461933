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
import java.time.Instant;
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

    /**
     * Moves a failed or dead run back to queued for another round of attempts. Zero rows
     * changed means it is in some other state (or not this application's).
     */
    public Uni<Integer> requeue(UUID applicationId, UUID id, Instant availableAt) {
        return update("status = :queued, attempts = 0, error = null, streamMessageId = null, enqueuedAt = null,"
                        + " finishedAt = null, availableAt = :available, updatedAt = :now"
                        + " where id = :id and applicationId = :app and status in (:retryable)",
                Parameters.with("queued", RunStatus.QUEUED).and("available", availableAt).and("now", Instant.now())
                        .and("id", id).and("app", applicationId)
                        .and("retryable", List.of(RunStatus.FAILED, RunStatus.DEAD)));
    }

    /** Filters of the run list; null means any. */
    public record RunFilter(UUID digestId, RunStatus status, RunTrigger trigger) {
    }
}
