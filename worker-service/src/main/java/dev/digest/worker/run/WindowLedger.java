package dev.digest.worker.run;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * Makes a window's end safe to read up to. An event's {@code received_at} is taken after its
 * transaction got its id (see the api's EventService), so any event received at or before
 * "now" belongs to a transaction that is either committed or in progress right now. Waiting
 * for the transactions in progress in a snapshot taken now, then reading, sees all of them:
 * no event can commit later into a window that was already read, and none is lost.
 */
@ApplicationScoped
public class WindowLedger {

    private static final String SNAPSHOT = "SELECT pg_current_snapshot()::text AS snapshot";

    private static final String STILL_RUNNING = """
            SELECT count(*) FROM pg_snapshot_xip($1::text::pg_snapshot) AS x
            WHERE pg_xact_status(x) = 'in progress'
            """;

    private static final Duration POLL = Duration.ofMillis(10);

    private final Pool pool;

    public WindowLedger(Pool pool) {
        this.pool = pool;
    }

    /**
     * Completes once every writing transaction in progress at the call has ended; fails after
     * {@code atMost} (a transaction held open that long), so the attempt is retried later.
     */
    public Uni<Void> settled(Duration atMost) {
        return pool.query(SNAPSHOT).execute()
                .map(rows -> rows.iterator().next().getString("snapshot"))
                .chain(snapshot -> waitFor(snapshot, System.nanoTime() + atMost.toNanos(), atMost));
    }

    private Uni<Void> waitFor(String snapshot, long deadline, Duration atMost) {
        return pool.preparedQuery(STILL_RUNNING).execute(Tuple.of(snapshot))
                .map(rows -> rows.iterator().next().getLong(0))
                .chain(running -> {
                    if (running == 0) {
                        return Uni.createFrom().voidItem();
                    }
                    if (System.nanoTime() > deadline) {
                        return Uni.createFrom().failure(new IllegalStateException(running
                                + " database transactions stayed open longer than " + atMost
                                + "; the window cannot be closed yet"));
                    }
                    return Uni.createFrom().voidItem().onItem().delayIt().by(POLL)
                            .chain(() -> waitFor(snapshot, deadline, atMost));
                });
    }
}
