package dev.digest.api.operations;

import dev.digest.common.run.RunChange;
import dev.digest.common.run.RunEvents;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * This replica's one subscription to the run change channel, fanned out to every open live
 * stream. Workers and every replica's dispatcher and requests announce there, so a console on
 * any replica hears every change. While Redis is away the subscription is retried; consoles
 * catch up from the database when they reconnect.
 */
@ApplicationScoped
public class RunChangeHub {

    private static final Logger LOG = Logger.getLogger(RunChangeHub.class);

    private final ReactiveRedisDataSource redis;
    private final String channel;
    private final BroadcastProcessor<RunChange> changes = BroadcastProcessor.create();
    private final AtomicInteger listeners = new AtomicInteger();
    private volatile Cancellable subscription;
    private volatile boolean running;

    public RunChangeHub(ReactiveRedisDataSource redis, RunEvents events) {
        this.redis = redis;
        this.channel = events.channel();
    }

    void start(@Observes StartupEvent event) {
        running = true;
        subscribe();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        Cancellable current = subscription;
        if (current != null) {
            current.cancel();
        }
        changes.onComplete();
    }

    /** Every change announced from now on. */
    public Multi<RunChange> changes() {
        return changes.onSubscription().invoke(() -> listeners.incrementAndGet())
                .onTermination().invoke(() -> listeners.decrementAndGet());
    }

    private void subscribe() {
        if (!running) {
            return;
        }
        subscription = redis.pubsub(String.class).subscribe(channel)
                .onFailure().invoke(failure -> LOG.debugf("Run change subscription lost: %s", failure.toString()))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).indefinitely()
                .subscribe().with(this::publish,
                        failure -> LOG.warnf("Run change subscription ended: %s", failure.toString()),
                        this::subscribe);
    }

    private void publish(String message) {
        // Workers announce every move of every run; with no console open here there is no one to
        // parse them for.
        if (listeners.get() == 0) {
            return;
        }
        try {
            RunChange.listFromJson(message).forEach(changes::onNext);
        } catch (IllegalArgumentException e) {
            LOG.debugf("Ignored a message on %s that is not a run change", channel);
        }
    }
}
