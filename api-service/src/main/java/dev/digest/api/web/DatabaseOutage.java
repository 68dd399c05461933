package dev.digest.api.web;

import io.smallrye.mutiny.Multi;
import io.vertx.core.VertxException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Recognises a failure that means PostgreSQL cannot be reached (refused or dropped connections,
 * a server shutting down or starting up) and turns it into a 503 with {@code Retry-After}
 * rather than an error per request. The outage is logged once when it starts and once when a
 * probe finds the database answering again; the pool reconnects by itself.
 */
@ApplicationScoped
public class DatabaseOutage {

    private static final Logger LOG = Logger.getLogger(DatabaseOutage.class);

    /** What clients are told to wait before trying again. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private static final Duration PROBE_EVERY = Duration.ofSeconds(1);

    private final Pool pool;
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicLong refused = new AtomicLong();
    private volatile long since;

    public DatabaseOutage(Pool pool) {
        this.pool = pool;
    }

    /** True when {@code failure} says the database is unreachable; notes the outage if so. */
    public boolean recognise(Throwable failure) {
        if (!isOutage(failure)) {
            return false;
        }
        refused.incrementAndGet();
        if (down.compareAndSet(false, true)) {
            since = System.nanoTime();
            LOG.warnf("PostgreSQL is unreachable (%s); requests that need it are answered 503 until it is back",
                    rootOf(failure));
            probeUntilBack();
        }
        return true;
    }

    public boolean isDown() {
        return down.get();
    }

    private void probeUntilBack() {
        Multi.createFrom().ticks().every(PROBE_EVERY)
                .onItem().transformToUniAndConcatenate(tick -> pool.query("SELECT 1").execute()
                        .map(rows -> true).onFailure().recoverWithItem(false))
                .filter(answered -> answered)
                .toUni()
                .subscribe().with(answered -> {
                    long seconds = Duration.ofNanos(System.nanoTime() - since).toSeconds();
                    long answered503 = refused.getAndSet(0);
                    down.set(false);
                    LOG.infof("PostgreSQL answers again after %d s; %d requests were answered 503 meanwhile",
                            seconds, answered503);
                });
    }

    static boolean isOutage(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            // Any I/O failure: a request in flight when the server dies meets a reset or a closed
            // channel rather than a refused connection (refused, reset, closed and the native
            // transport's errors are all IOExceptions).
            if (cause instanceof IOException || cause instanceof ClosedConnectionException
                    || cause instanceof TimeoutException) {
                return true;
            }
            // 08: connection exceptions; 57P01-57P03: the server is shutting down or starting up;
            // 53300: every connection slot is taken, as after a restart while clients reconnect.
            if (cause instanceof PgException pg && pg.getSqlState() != null
                    && (pg.getSqlState().startsWith("08") || pg.getSqlState().startsWith("57P0")
                    || pg.getSqlState().equals("53300"))) {
                return true;
            }
            // Vert.x words a connection it found closed in an untyped exception, e.g.
            // "Connection is not active now, current status: CLOSED".
            if ((cause instanceof VertxException || cause instanceof NoStackTraceThrowable)
                    && String.valueOf(cause.getMessage()).contains("Connection")) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    private static String rootOf(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.toString();
    }
}
