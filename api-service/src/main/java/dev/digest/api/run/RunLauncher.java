package dev.digest.api.run;

import dev.digest.api.queue.RunPublisher;
import dev.digest.common.run.RunTrigger;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * Starts runs: commits the run row first, then publishes its job. The row is the truth, so
 * a crash or a Redis outage between the two loses nothing; the re-publisher covers the gap.
 */
@ApplicationScoped
public class RunLauncher {

    private final RunService runs;
    private final RunPublisher publisher;

    public RunLauncher(RunService runs, RunPublisher publisher) {
        this.runs = runs;
        this.publisher = publisher;
    }

    public Uni<Run> runNow(UUID applicationId, UUID digestId) {
        return runs.create(applicationId, digestId, RunTrigger.MANUAL, null).chain(publisher::publish);
    }

    public Uni<Run> test(UUID applicationId, UUID digestId, String to) {
        return runs.create(applicationId, digestId, RunTrigger.TEST, to).chain(publisher::publish);
    }

    public Uni<Run> retry(UUID applicationId, UUID runId) {
        return runs.requeue(applicationId, runId).chain(publisher::publish);
    }
}
