package dev.digest.api.run;

import dev.digest.api.config.ApiConfig;
import dev.digest.api.digest.DigestRepository;
import dev.digest.api.web.Page;
import dev.digest.api.web.PageRequest;
import dev.digest.api.web.ProblemException;
import dev.digest.api.web.ProblemType;
import dev.digest.common.run.RunStatus;
import dev.digest.common.run.RunTrigger;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/** Creates and re-queues runs in PostgreSQL, and reads them. Publishing is {@link RunLauncher}'s. */
@ApplicationScoped
public class RunService {

    private final RunRepository runs;
    private final DigestRepository digests;
    private final ApiConfig.Queue queue;
    private final Clock clock;

    public RunService(RunRepository runs, DigestRepository digests, ApiConfig config, Clock clock) {
        this.runs = runs;
        this.digests = digests;
        this.queue = config.queue();
        this.clock = clock;
    }

    /** A new queued run of the digest; {@code testRecipient} only for test runs. */
    @WithTransaction
    public Uni<Run> create(UUID applicationId, UUID digestId, RunTrigger trigger, String testRecipient) {
        return digests.findOwned(applicationId, digestId).chain(digest -> {
            Instant now = clock.instant();
            Run run = new Run();
            run.applicationId = applicationId;
            run.digestId = digest.id;
            run.trigger = trigger;
            run.status = RunStatus.QUEUED;
            run.testRecipient = testRecipient;
            run.availableAt = now.plus(queue.publishGrace());
            run.createdAt = now;
            run.updatedAt = now;
            return runs.persistAndFlush(run);
        });
    }

    /** Puts a failed or dead run back in the queue; any other state is a 409. */
    @WithTransaction
    public Uni<Run> requeue(UUID applicationId, UUID id) {
        return runs.findOwned(applicationId, id)
                .chain(run -> runs.requeue(applicationId, id, clock.instant().plus(queue.publishGrace())))
                .chain(changed -> {
                    if (changed == 0) {
                        return Uni.createFrom().failure(new ProblemException(ProblemType.CONFLICT,
                                "Only failed or dead runs can be retried"));
                    }
                    return runs.getSession().chain(session -> session.find(Run.class, id)
                            .call(session::refresh));
                });
    }

    public Uni<RunResponse> get(UUID applicationId, UUID id) {
        return runs.findOwned(applicationId, id)
                .chain(run -> runs.emailLogs(id).map(logs -> RunResponse.withLogs(run, logs)));
    }

    public Uni<Page<RunResponse>> list(UUID applicationId, RunRepository.RunFilter filter, PageRequest page) {
        return runs.page(applicationId, filter, page).map(rows -> Page.of(rows, page, r -> r.id, RunResponse::from));
    }
}
