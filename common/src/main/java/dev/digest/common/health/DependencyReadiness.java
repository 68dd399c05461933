package dev.digest.common.health;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the two stores both services need, each answered within {@link #TIMEOUT} even
 * when the server hangs (a frozen Redis keeps its connections open and answers nothing), so a
 * probe always gets its answer well inside its own timeout. They replace the extensions' own
 * checks, which wait as long as a command may.
 */
public final class DependencyReadiness {

    static final Duration TIMEOUT = Duration.ofSeconds(2);

    private DependencyReadiness() {
    }

    static Uni<HealthCheckResponse> check(String name, Uni<?> probe) {
        return probe.ifNoItem().after(TIMEOUT).failWith(() -> new IllegalStateException("no answer within " + TIMEOUT))
                .map(ok -> HealthCheckResponse.up(name))
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named(name).down()
                        .withData("error", String.valueOf(failure.getMessage())).build());
    }

    /** PostgreSQL answers {@code SELECT 1}. */
    @Readiness
    @ApplicationScoped
    public static class Postgres implements AsyncHealthCheck {
        private final Pool pool;

        public Postgres(Pool pool) {
            this.pool = pool;
        }

        @Override
        public Uni<HealthCheckResponse> call() {
            return check("PostgreSQL", pool.query("SELECT 1").execute());
        }
    }

    /** Redis answers {@code PING}. */
    @Readiness
    @ApplicationScoped
    public static class Redis implements AsyncHealthCheck {
        private final ReactiveRedisDataSource redis;

        public Redis(ReactiveRedisDataSource redis) {
            this.redis = redis;
        }

        @Override
        public Uni<HealthCheckResponse> call() {
            return check("Redis", redis.execute("PING"));
        }
    }
}
