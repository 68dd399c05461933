package dev.digest.api.run;

import dev.digest.api.domain.NotFoundException;
import dev.digest.api.web.Page;
import dev.digest.api.web.PageRequest;
import dev.digest.api.web.ProblemException;
import dev.digest.api.web.ProblemType;
import dev.digest.common.content.SampleEvents;
import dev.digest.common.job.JobQueueConfig;
import dev.digest.common.run.PublishableRun;
import dev.digest.common.run.RunLedger;
import dev.digest.common.run.RunTrigger;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import dev.digest.common.run.RunStatus;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Creates and re-queues runs through the run ledger, and reads them. Publishing is
 * {@link RunLauncher}'s.
 */
@ApplicationScoped
public class RunService {

    private final RunRepository runs;
    private final RunLedger ledger;
    private final RunAttempts attempts;
    private final JobQueueConfig queue;

    public RunService(RunRepository runs, RunLedger ledger, RunAttempts attempts, JobQueueConfig queue) {
        this.runs = runs;
        this.ledger = ledger;
        this.attempts = attempts;
        this.queue = queue;
    }

    /**
     * A new queued run of the digest; {@code testRecipient} and {@code testEvents} only for test
     * runs. 404 when the application has no such digest.
     */
    public Uni<RunLedger.CreatedRun> create(UUID applicationId, UUID digestId, RunTrigger trigger, String testRecipient,
            List<SampleEvents.Sample> testEvents) {
        return ledger.create(applicationId, digestId, trigger, testRecipient, testEvents, queue.publishGrace())
                .onItem().ifNull().failWith(() -> NotFoundException.of("Digest"));
    }

    /**
     * Puts every failed or dead run matching the request back in the queue, in one statement.
     * Asking again re-queues nothing more: the runs are queued by then.
     */
    public Uni<List<PublishableRun>> requeueMatching(UUID applicationId, RetryRunsRequest request) {
        Set<RunStatus> statuses = request.status() == null ? EnumSet.of(RunStatus.FAILED, RunStatus.DEAD)
                : EnumSet.of(RunStatus.fromWire(request.status()));
        return ledger.requeueMatching(statuses, applicationId, request.digestId(), request.from(), request.to(),
                queue.publishGrace());
    }

    /**
     * Cancels a queued run: 404 when it is not the application's, the run unchanged when it was
     * cancelled already, 409 in any other state.
     */
    public Uni<Run> cancel(UUID applicationId, UUID id) {
        return runs.findOwned(applicationId, id)
                .chain(run -> ledger.cancel(applicationId, id))
                .chain(cancelled -> runs.findOwned(applicationId, id).invoke(run -> {
                    if (!cancelled && run.status != RunStatus.CANCELLED) {
                        throw new ProblemException(ProblemType.CONFLICT, "Only queued runs can be cancelled; this one is "
                                + run.status.wire());
                    }
                }));
    }

    /** Puts a failed or dead run back in the queue; 404 when it is not the application's, 409 in any other state. */
    public Uni<PublishableRun> requeue(UUID applicationId, UUID id) {
        return runs.findOwned(applicationId, id)
                .chain(run -> ledger.requeue(applicationId, id, queue.publishGrace()))
                .onItem().ifNull().failWith(() -> new ProblemException(ProblemType.CONFLICT,
                        "Only failed or dead runs can be retried"));
    }

    public Uni<Run> find(UUID applicationId, UUID id) {
        return runs.findOwned(applicationId, id);
    }

    public Uni<RunResponse> get(UUID applicationId, UUID id) {
        return runs.findOwned(applicationId, id)
                .chain(run -> runs.emailLogs(id).chain(logs -> attempts.of(id)
                        .map(history -> RunResponse.withDetail(run, logs, history))));
    }

    public Uni<Page<RunResponse>> list(UUID applicationId, RunRepository.RunFilter filter, PageRequest page) {
        return runs.page(applicationId, filter, page).map(rows -> Page.of(rows, page, r -> r.id, RunResponse::from));
    }
}
