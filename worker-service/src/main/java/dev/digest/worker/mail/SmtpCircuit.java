package dev.digest.worker.mail;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayDeque;
import java.util.Deque;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The state of sending: the circuit breaker around {@link DigestMailer#send} (open while the
 * SMTP server is failing: the worker stops taking jobs instead of using up their attempts), and
 * the outcome of the last sends, for health and metrics.
 */
@ApplicationScoped
public class SmtpCircuit {

    /** The circuit breaker's name, as {@link DigestMailer#send} declares it. */
    public static final String NAME = "smtp";

    /**
     * How long the circuit stays open before one send is tried again, as {@link DigestMailer#send}
     * declares it; {@value #DELAY_KEY} overrides it for both.
     */
    public static final long DELAY_SECONDS = 30;

    static final String DELAY_KEY = "quarkus.fault-tolerance.\"dev.digest.worker.mail.DigestMailer/send\".circuit-breaker.delay";

    private static final Logger LOG = Logger.getLogger(SmtpCircuit.class);
    private static final int WINDOW = 100;

    private final CircuitBreakerMaintenance maintenance;
    private final Deque<Boolean> recent = new ArrayDeque<>(WINDOW);
    private final long delayNanos;
    private volatile long openedAt;

    public SmtpCircuit(CircuitBreakerMaintenance maintenance, MeterRegistry registry,
            @ConfigProperty(name = DELAY_KEY, defaultValue = "" + DELAY_SECONDS * 1000) long delayMillis) {
        this.maintenance = maintenance;
        this.delayNanos = delayMillis * 1_000_000L;
        Gauge.builder("digest.smtp.circuit.open", this, circuit -> circuit.open() ? 1 : 0)
                .description("1 while sending is paused after repeated SMTP failures").register(registry);
        Gauge.builder("digest.smtp.failure.ratio", this, SmtpCircuit::failureRatio)
                .description("Share of the last 100 sends that failed").register(registry);
        maintenance.onStateChange(NAME, state -> {
            if (state == CircuitBreakerState.OPEN) {
                openedAt = System.nanoTime();
                LOG.warn("SMTP sends keep failing: sending is paused; jobs wait in the stream");
            } else if (state == CircuitBreakerState.CLOSED) {
                LOG.info("SMTP sends work again: sending resumed");
            }
        });
    }

    /** True while sends are refused without trying (the circuit is open). */
    public boolean open() {
        return maintenance.currentState(NAME) == CircuitBreakerState.OPEN;
    }

    /**
     * True while the worker should take no jobs: the circuit opened less than its delay ago.
     * After that a job is taken again, and its send is the one trial that closes the circuit or
     * opens it for another delay.
     */
    public boolean paused() {
        return open() && System.nanoTime() - openedAt < delayNanos;
    }

    public String state() {
        return maintenance.currentState(NAME).name().toLowerCase();
    }

    public synchronized void record(boolean sent) {
        if (recent.size() == WINDOW) {
            recent.removeFirst();
        }
        recent.addLast(sent);
    }

    public synchronized double failureRatio() {
        if (recent.isEmpty()) {
            return 0;
        }
        return recent.stream().filter(sent -> !sent).count() / (double) recent.size();
    }
}
