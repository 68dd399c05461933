package dev.digest.worker.metrics;

import dev.digest.worker.run.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * What this worker did, as Prometheus counters and timers: jobs by outcome and how long they
 * took, jobs taken over from other consumers, emails sent and failed. Created at start-up so
 * every series exists (at zero) before the first job.
 */
@Startup
@ApplicationScoped
public class JobMetrics {

    private final MeterRegistry registry;
    private final Map<Outcome, Counter> processed = new EnumMap<>(Outcome.class);
    private final Map<Outcome, Timer> durations = new EnumMap<>(Outcome.class);
    private final Counter reclaimed;
    private final Counter malformed;
    private final Counter emailsSent;
    private final Counter emailsFailed;
    private final Counter emailsSkipped;

    public JobMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Outcome outcome : Outcome.values()) {
            String tag = outcome.name().toLowerCase(Locale.ROOT);
            processed.put(outcome, Counter.builder("digest.jobs.processed")
                    .description("Jobs handled by this worker, by outcome").tag("outcome", tag).register(registry));
            durations.put(outcome, Timer.builder("digest.jobs.duration")
                    .description("Time from taking a job to its outcome being committed").tag("outcome", tag)
                    .publishPercentileHistogram().register(registry));
        }
        reclaimed = Counter.builder("digest.jobs.reclaimed")
                .description("Jobs taken over from consumers that stopped answering").register(registry);
        malformed = Counter.builder("digest.jobs.malformed")
                .description("Stream entries that were not valid jobs, sent to the dead-letter stream").register(registry);
        emailsSent = Counter.builder("digest.emails").description("Emails by SMTP result").tag("status", "sent")
                .register(registry);
        emailsFailed = Counter.builder("digest.emails").description("Emails by SMTP result").tag("status", "failed")
                .register(registry);
        emailsSkipped = Counter.builder("digest.emails").description("Emails by SMTP result").tag("status", "skipped")
                .register(registry);
    }

    public Timer.Sample start() {
        return Timer.start(registry);
    }

    public void finished(Timer.Sample sample, Outcome outcome) {
        sample.stop(durations.get(outcome));
        processed.get(outcome).increment();
    }

    public void reclaimed(int count) {
        reclaimed.increment(count);
    }

    public void malformed() {
        malformed.increment();
    }

    public void emailSent() {
        emailsSent.increment();
    }

    public void emailFailed() {
        emailsFailed.increment();
    }

    /** Not sent because the recipient unsubscribed from the digest. */
    public void emailSkipped() {
        emailsSkipped.increment();
    }
}
