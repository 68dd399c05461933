package dev.digest.common.vertx;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Keeps a known Vert.x SQL client bug out of the error log: when PostgreSQL is unreachable, the
 * pool fails the query at once but leaves its connection-timeout timer running, and the timer
 * later fails the same promise again (eclipse-vertx/vertx-sql-client#1706). The caller already
 * had its failure; the second one is harmless, yet Quarkus logs it as an uncaught ERROR with a
 * stack trace, dozens per outage. Only that exception is taken out (counted, logged at DEBUG);
 * every other uncaught exception goes to the handler that was there before.
 */
@ApplicationScoped
public class PoolTimerRace {

    private static final Logger LOG = Logger.getLogger(PoolTimerRace.class);

    private final AtomicLong swallowed = new AtomicLong();

    void install(@Observes StartupEvent event, Vertx vertx) {
        Handler<Throwable> previous = vertx.exceptionHandler();
        vertx.exceptionHandler(failure -> {
            if (isTheRace(failure)) {
                swallowed.incrementAndGet();
                LOG.debugf("Ignored a second failure of an already failed pool query (vertx-sql-client#1706)");
                return;
            }
            if (previous != null) {
                previous.handle(failure);
            } else {
                LOG.error("Uncaught exception received by Vert.x", failure);
            }
        });
    }

    /** How many of these were taken out since start. */
    public long swallowed() {
        return swallowed.get();
    }

    static boolean isTheRace(Throwable failure) {
        if (!(failure instanceof IllegalStateException) || !"Result is already complete".equals(failure.getMessage())) {
            return false;
        }
        StackTraceElement[] stack = failure.getStackTrace();
        for (int i = 0; i < Math.min(stack.length, 3); i++) {
            if (stack[i].getClassName().startsWith("io.vertx.sqlclient.impl.pool.SqlConnectionPool")) {
                return true;
            }
        }
        return false;
    }
}
