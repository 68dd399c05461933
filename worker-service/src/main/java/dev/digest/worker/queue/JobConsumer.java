package dev.digest.worker.queue;

import dev.digest.common.job.JobMessage;
import dev.digest.worker.config.WorkerConfig;
import dev.digest.worker.mail.SmtpCircuit;
import dev.digest.worker.metrics.JobMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import dev.digest.worker.run.Outcome;
import dev.digest.worker.run.RunHandler;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The worker's Redis side: reads jobs for its consumer, keeps at most {@code concurrency} in
 * flight, acknowledges each only after the handler has committed its outcome, reclaims jobs
 * of dead consumers, and drains on shutdown. What a job does is {@link RunHandler}'s.
 */
@ApplicationScoped
public class JobConsumer {

    private static final Logger LOG = Logger.getLogger(JobConsumer.class);

    private final JobStream stream;
    private final RunHandler handler;
    private final WorkerConfig config;
    private final JobMetrics metrics;
    private final SmtpCircuit smtp;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean reading = new AtomicBoolean();
    private volatile boolean running;

    public JobConsumer(JobStream stream, RunHandler handler, WorkerConfig config, JobMetrics metrics,
            SmtpCircuit smtp, MeterRegistry registry) {
        this.stream = stream;
        this.handler = handler;
        this.config = config;
        this.metrics = metrics;
        this.smtp = smtp;
        Gauge.builder("digest.jobs.in_flight", inFlight, Set::size)
                .description("Jobs this worker is working on").register(registry);
    }

    void start(@Observes StartupEvent event) {
        running = true;
        stream.ensureGroup().subscribe().with(
                ok -> {
                    LOG.infof("Consuming %s as %s in group %s", stream.streamName(), stream.consumer(),
                            stream.groupName());
                    pump();
                },
                failure -> {
                    LOG.errorf("Cannot create consumer group %s: %s; retrying on the next reclaim tick",
                            stream.groupName(), failure.toString());
                });
    }

    /**
     * Stops reading and waits a bounded time for in-flight jobs (and for a read in progress);
     * unfinished ones stay pending, for other workers to claim.
     */
    void stop(@Observes ShutdownEvent event) {
        running = false;
        int draining = inFlight.size();
        long started = System.nanoTime();
        long deadline = started + config.shutdownWait().toNanos();
        if (draining > 0) {
            LOG.infof("Stopping: finishing %d jobs in flight (waiting at most %s)", draining, config.shutdownWait());
        }
        // A read still blocked in Redis may yet hand this consumer jobs: wait for it too, and
        // finish those, rather than leave them pending until another worker's claim time.
        while ((reading.get() || !inFlight.isEmpty()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!inFlight.isEmpty()) {
            LOG.warnf("Shutting down with %d jobs unfinished; other workers will reclaim them", inFlight.size());
        } else if (draining > 0) {
            LOG.infof("Stopping: %d jobs finished in %d ms", draining, (System.nanoTime() - started) / 1_000_000);
        }
    }

    /** Reads as many new jobs as there are free slots; called again whenever a slot frees up. */
    void pump() {
        int free = config.concurrency() - inFlight.size();
        // While SMTP is failing, jobs wait in the stream rather than use up their attempts;
        // the reclaim tick calls this again.
        if (!running || free <= 0 || smtp.paused() || !reading.compareAndSet(false, true)) {
            return;
        }
        stream.readNew(free).subscribe().with(
                messages -> {
                    reading.set(false);
                    messages.forEach(this::process);
                    pump();
                },
                failure -> {
                    reading.set(false);
                    LOG.warnf("Reading the job stream failed: %s", failure.toString());
                    // Redis is likely down: the reclaim tick calls pump() again.
                });
    }

    /** Takes over jobs left pending by consumers that stopped answering, and keeps reading alive. */
    @Scheduled(every = "${digest.worker.reclaim-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> reclaim() {
        if (!running) {
            return Uni.createFrom().voidItem();
        }
        int free = config.concurrency() - inFlight.size();
        Uni<Void> claimed = free <= 0 || smtp.paused() ? Uni.createFrom().voidItem()
                : stream.ensureGroup()
                        .chain(() -> stream.claimAbandoned(free))
                        .invoke(messages -> {
                            if (!messages.isEmpty()) {
                                LOG.infof("Took over %d jobs left pending by other consumers", messages.size());
                                metrics.reclaimed(messages.size());
                            }
                            messages.forEach(this::process);
                        })
                        .replaceWithVoid();
        return claimed
                .chain(() -> stream.keepAlive(List.copyOf(inFlight)))
                .onFailure().invoke(failure -> LOG.warnf("Reclaiming jobs failed: %s", failure.toString()))
                .onFailure().recoverWithNull()
                .invoke(this::pump);
    }

    private void process(StreamMessage<String, String, String> message) {
        if (!inFlight.add(message.id())) {
            return;
        }
        JobMessage job;
        try {
            job = JobMessage.fromFields(message.payload());
        } catch (IllegalArgumentException e) {
            metrics.malformed();
            settle(message, stream.deadLetter(message, "malformed job: " + e.getMessage()).chain(() -> stream.ack(message.id())));
            return;
        }
        Timer.Sample sample = metrics.start();
        settle(message, handler.handle(job, message.id())
                .invoke(outcome -> metrics.finished(sample, outcome))
                .chain(outcome -> acknowledge(message, outcome)));
    }

    private Uni<Void> acknowledge(StreamMessage<String, String, String> message, Outcome outcome) {
        if (outcome == Outcome.DEAD) {
            return stream.deadLetter(message, "attempts exhausted").chain(() -> stream.ack(message.id()));
        }
        return stream.ack(message.id());
    }

    /** Frees the slot when done; a failure leaves the message pending, to be reclaimed after the idle time. */
    private void settle(StreamMessage<String, String, String> message, Uni<Void> work) {
        work.subscribe().with(
                ok -> {
                    inFlight.remove(message.id());
                    pump();
                },
                failure -> {
                    LOG.warnf("Job %s left pending: %s", message.id(), failure.toString());
                    inFlight.remove(message.id());
                    pump();
                });
    }
}
