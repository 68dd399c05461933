package dev.digest.api.queue;

import dev.digest.common.batch.Coalescer;
import dev.digest.common.job.JobQueueConfig;
import dev.digest.common.run.PublishableRun;
import dev.digest.common.run.RunLedger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Appends committed runs' jobs to the stream and records their stream ids in the run ledger.
 *
 * <p>Redis being down is not the client's problem: the run stays {@code queued} without a
 * stream id, the request still succeeds, and the worker's re-publisher sends it later. The
 * ledger records an id only while no worker has claimed the run since it was read, so a job
 * a worker already handled is never recorded as the run's pending message.
 */
@ApplicationScoped
public class RunPublisher {

    private static final Logger LOG = Logger.getLogger(RunPublisher.class);

    private final ReactiveStreamCommands<String, String, String> streams;
    private final Redis redis;
    private final RunLedger ledger;
    private final JobQueueConfig config;
    private final Counter published;
    private final Counter deferred;
    // Requests' runs waiting to be published, and at most two round trips in flight (each holds a
    // Redis connection, then a PostgreSQL one), so a burst of requests never overflows the pools.
    private final Coalescer<PublishableRun, Instant> single = new Coalescer<>(500, 2, this::publishBatch);

    public RunPublisher(ReactiveRedisDataSource redis, RunLedger ledger, JobQueueConfig config,
            MeterRegistry registry) {
        this.streams = redis.stream(String.class);
        this.redis = redis.getRedis();
        this.ledger = ledger;
        this.config = config;
        this.published = Counter.builder("digest.jobs.enqueued").tag("result", "published")
                .description("Runs the api put on the job stream, or left for the re-publisher").register(registry);
        this.deferred = Counter.builder("digest.jobs.enqueued").tag("result", "deferred")
                .description("Runs the api put on the job stream, or left for the re-publisher").register(registry);
    }

    /**
     * When the run's job went on the stream; null when it did not (now) or a worker took it
     * first. Requests publishing at once share one pipelined round trip and one statement.
     */
    public Uni<Instant> publish(PublishableRun run) {
        return single.submit(run);
    }

    /**
     * Whether a new run would be published promptly: false when more runs than the configured
     * backlog already wait for their turn to be published, and the caller should refuse the
     * request (503) rather than create a run that waits.
     */
    public boolean accepting() {
        return single.waiting() < config.publishBacklog();
    }

    private Uni<List<Instant>> publishBatch(List<PublishableRun> runs) {
        return redis.batch(xadds(runs))
                .ifNoItem().after(config.publishTimeout()).fail()
                .chain(responses -> {
                    published.increment(runs.size());
                    List<String> messageIds = new ArrayList<>(runs.size());
                    responses.forEach(response -> messageIds.add(response.toString()));
                    return ledger.recordPublished(runs, messageIds);
                })
                .map(recorded -> {
                    Map<UUID, Instant> at = new HashMap<>();
                    recorded.forEach(one -> at.put(one.id(), one.enqueuedAt()));
                    List<Instant> answers = new ArrayList<>(runs.size());
                    runs.forEach(run -> answers.add(at.get(run.id())));
                    return answers;
                })
                .onFailure().recoverWithItem(failure -> {
                    deferred.increment(runs.size());
                    LOG.warnf("%d runs not published now (%s); the re-publisher will send them", runs.size(),
                            failure.toString());
                    return Collections.nCopies(runs.size(), null);
                });
    }

    private List<Request> xadds(List<PublishableRun> runs) {
        List<Request> requests = new ArrayList<>(runs.size());
        for (PublishableRun run : runs) {
            Request xadd = Request.cmd(Command.XADD).arg(config.stream()).arg("*");
            for (Map.Entry<String, String> field : run.job().toFields().entrySet()) {
                xadd.arg(field.getKey()).arg(field.getValue());
            }
            requests.add(xadd);
        }
        return requests;
    }

    /**
     * Publishes many committed runs in one pipelined round trip and records their stream ids in
     * one statement. Returns how many were published; on a Redis failure none are, and the
     * re-publisher sends them after the publish grace.
     */
    public Uni<Integer> publishAll(List<PublishableRun> runs) {
        if (runs.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<Request> requests = xadds(runs);
        return redis.batch(requests)
                .ifNoItem().after(config.publishTimeout()).fail()
                .chain(responses -> {
                    List<String> messageIds = new ArrayList<>(runs.size());
                    for (Response response : responses) {
                        messageIds.add(response.toString());
                    }
                    published.increment(runs.size());
                    return ledger.recordPublished(runs, messageIds).replaceWith(runs.size());
                })
                .onFailure().recoverWithItem(failure -> {
                    deferred.increment(runs.size());
                    LOG.warnf("%d runs not published now (%s); the re-publisher will send them", runs.size(),
                            failure.toString());
                    return 0;
                });
    }
}
