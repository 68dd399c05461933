package dev.digest.api.run;

import dev.digest.api.preview.SampleEventCheck;
import dev.digest.api.preview.TemplatePreviewRequest;
import dev.digest.api.queue.RunPublisher;
import dev.digest.api.web.DependencyUnavailableException;
import dev.digest.common.content.SampleEvents;
import dev.digest.common.run.RunLedger;
import dev.digest.common.run.RunStatus;
import dev.digest.common.run.RunTrigger;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import dev.digest.common.run.PublishableRun;
import io.smallrye.mutiny.Multi;
import java.time.Instant;
import java.util.ArrayList;
import java.util.stream.Collectors;
import java.util.List;
import java.util.UUID;

/**
 * Starts runs: commits the run row first, then publishes its job. The row is the truth, so
 * a crash or a Redis outage between the two loses nothing; the re-publisher covers the gap.
 */
@ApplicationScoped
public class RunLauncher {

    private static final int PUBLISH_BATCH = 500;

    private final RunService runs;
    private final RunPublisher publisher;
    private final SampleEventCheck samples;

    public RunLauncher(RunService runs, RunPublisher publisher, SampleEventCheck samples) {
        this.runs = runs;
        this.publisher = publisher;
        this.samples = samples;
    }

    public Uni<RunResponse> runNow(UUID applicationId, UUID digestId) {
        return launch(applicationId, digestId, RunTrigger.MANUAL, null, null);
    }

    /** A test send to {@code to}; rendered from {@code events} when there are any (422 if a type is unknown). */
    public Uni<RunResponse> test(UUID applicationId, UUID digestId, String to,
            List<TemplatePreviewRequest.SampleEvent> events) {
        if (events == null || events.isEmpty()) {
            return launch(applicationId, digestId, RunTrigger.TEST, to, null);
        }
        return samples.checked(applicationId, events)
                .chain(checked -> launch(applicationId, digestId, RunTrigger.TEST, to, checked));
    }

    /** The retried run as it is after publishing (a fast worker may already have it). */
    public Uni<RunResponse> retry(UUID applicationId, UUID runId) {
        return runs.requeue(applicationId, runId)
                .call(publisher::publish)
                .chain(run -> runs.find(applicationId, runId))
                .map(RunResponse::from);
    }

    /** The run as it is now (any application's for a null one). */
    public Uni<RunResponse> find(UUID runId) {
        return runs.find(null, runId).map(RunResponse::from);
    }

    /**
     * Re-queues the matching failed and dead runs, then publishes them in pipelined batches;
     * any a batch could not publish are sent by the re-publisher after the publish grace.
     */
    public Uni<RetriedRuns> retryMatching(UUID applicationId, RetryRunsRequest request) {
        return runs.requeueMatching(applicationId, request).chain(requeued -> {
            List<List<PublishableRun>> batches = new ArrayList<>();
            for (int i = 0; i < requeued.size(); i += PUBLISH_BATCH) {
                batches.add(requeued.subList(i, Math.min(requeued.size(), i + PUBLISH_BATCH)));
            }
            return Multi.createFrom().iterable(batches)
                    .onItem().transformToUniAndConcatenate(publisher::publishAll)
                    .collect().with(Collectors.summingInt(Integer::intValue))
                    .map(published -> new RetriedRuns(requeued.size(), published));
        });
    }

    private Uni<RunResponse> launch(UUID applicationId, UUID digestId, RunTrigger trigger, String testRecipient,
            List<SampleEvents.Sample> testEvents) {
        // Refused before anything is stored: the client tries again, and no run waits unpublished.
        if (!publisher.accepting()) {
            return Uni.createFrom().failure(new DependencyUnavailableException(
                    "Too many runs are waiting to be put on the job queue; try again shortly", null));
        }
        return runs.create(applicationId, digestId, trigger, testRecipient, testEvents)
                .chain(created -> publisher.publish(created.run()).map(enqueuedAt -> queued(created, trigger,
                        testRecipient, enqueuedAt)));
    }

    /** The new run as the request left it: queued, on the stream since {@code enqueuedAt} unless that is null. */
    private static RunResponse queued(RunLedger.CreatedRun created, RunTrigger trigger, String testRecipient,
            Instant enqueuedAt) {
        Run run = new Run();
        run.id = created.run().id();
        run.applicationId = created.run().applicationId();
        run.digestId = created.run().digestId();
        run.trigger = trigger;
        run.status = RunStatus.QUEUED;
        run.testRecipient = testRecipient;
        run.enqueuedAt = enqueuedAt;
        run.createdAt = created.createdAt();
        return RunResponse.from(run);
    }
}
