package dev.digest.api.queue;

import dev.digest.api.config.ApiConfig;
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
import java.util.List;
import java.util.Map;
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
    private final ApiConfig.Queue config;
    private final Counter published;
    private final Counter deferred;

    public RunPublisher(ReactiveRedisDataSource redis, RunLedger ledger, ApiConfig config, MeterRegistry registry) {
        this.streams = redis.stream(String.class);
        this.redis = redis.getRedis();
        this.ledger = ledger;
        this.config = config.queue();
        this.published = Counter.builder("digest.jobs.enqueued").tag("result", "published")
                .description("Runs the api put on the job stream, or left for the re-publisher").register(registry);
        this.deferred = Counter.builder("digest.jobs.enqueued").tag("result", "deferred")
                .description("Runs the api put on the job stream, or left for the re-publisher").register(registry);
    }

    /** When the run's job went on the stream; null when it did not (now) or a worker took it first. */
    public Uni<Instant> publish(PublishableRun run) {
        return streams.xadd(config.stream(), run.job().toFields())
                .ifNoItem().after(config.publishTimeout()).fail()
                .invoke(() -> published.increment())
                .chain(messageId -> ledger.recordPublished(List.of(run), List.of(messageId)))
                .map(recorded -> recorded.isEmpty() ? null : recorded.get(0).enqueuedAt())
                .onFailure().recoverWithItem(failure -> {
                    deferred.increment();
                    LOG.warnf("Run %s not published now (%s); the re-publisher will send it", run.id(), failure.toString());
                    return null;
                });
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
        List<Request> requests = new ArrayList<>(runs.size());
        for (PublishableRun run : runs) {
            Request xadd = Request.cmd(Command.XADD).arg(config.stream()).arg("*");
            for (Map.Entry<String, String> field : run.job().toFields().entrySet()) {
                xadd.arg(field.getKey()).arg(field.getValue());
            }
            requests.add(xadd);
        }
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
