package dev.digest.worker.mail;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.HealthGroup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The SMTP server in health, two ways. In readiness it is reported but never makes the worker
 * unready ({@code state} says {@code up} or {@code down}): an SMTP outage is every worker's at
 * once, and marking them all unready would only stall rolling updates while sending is paused
 * anyway. {@code /q/health/group/smtp} is DOWN while the server does not take mail or the
 * circuit is open, for alerts and dashboards.
 */
public final class SmtpHealthCheck {

    private SmtpHealthCheck() {
    }

    static Uni<HealthCheckResponseBuilder> describe(SmtpProbe probe, SmtpCircuit circuit) {
        return probe.problem().map(problem -> {
            HealthCheckResponseBuilder builder = HealthCheckResponse.named("SMTP server")
                    .withData("host", probe.host()).withData("port", probe.port())
                    .withData("state", problem == null && !circuit.open() ? "up" : "down")
                    .withData("circuit", circuit.state())
                    .withData("recentFailureRatio", String.format(java.util.Locale.ROOT, "%.2f", circuit.failureRatio()));
            if (problem != null) {
                builder.withData("error", problem);
            }
            return builder.status(problem == null && !circuit.open());
        });
    }

    /** Readiness: reported, degraded but ready. */
    @Readiness
    @ApplicationScoped
    public static class InReadiness implements AsyncHealthCheck {
        private final SmtpProbe probe;
        private final SmtpCircuit circuit;

        public InReadiness(SmtpProbe probe, SmtpCircuit circuit) {
            this.probe = probe;
            this.circuit = circuit;
        }

        @Override
        public Uni<HealthCheckResponse> call() {
            return describe(probe, circuit).map(builder -> builder.up().build());
        }
    }

    /** {@code /q/health/group/smtp}: down while SMTP is. */
    @HealthGroup("smtp")
    @ApplicationScoped
    public static class Strict implements AsyncHealthCheck {
        private final SmtpProbe probe;
        private final SmtpCircuit circuit;

        public Strict(SmtpProbe probe, SmtpCircuit circuit) {
            this.probe = probe;
            this.circuit = circuit;
        }

        @Override
        public Uni<HealthCheckResponse> call() {
            return describe(probe, circuit).map(HealthCheckResponseBuilder::build);
        }
    }
}
