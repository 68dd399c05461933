package dev.digest.worker.run;

import dev.digest.common.batch.Coalescer;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * Makes a window's end safe to read up to. An event's {@code received_at} is taken after its
 * transaction got its id (see the api's EventStore), so any event received at or before
 * "now" belongs to a transaction that is either committed or holds an id right now. Waiting
 * for the transactions holding an id now, then reading, sees all of them: no event can commit
 * later into a window that was already read, and none is lost.
 *
 * <p>The transactions are read from {@code pg_stat_activity.backend_xid}, not from a snapshot's
 * in-progress list: since PostgreSQL 14 a snapshot's {@code xmax} is one past the latest
 * <em>completed</em> id, and a running transaction with a newer id is in no list at all, so the
 * newest ingest transactions, exactly the ones that matter here, would be missed. Only this
 * database's transactions can add events, so only theirs are waited for: a long transaction in
 * another database of the same server never holds a window up. {@code backend_xid} is shown for
 * every role's sessions, so the worker's role needs no extra privilege.
 *
 * <p>The runs a worker fixes windows for at once share one look and one wait: a call only joins
 * a look that starts after it was made (see Coalescer), so each sees every id held at its call.
 */
@ApplicationScoped
public class WindowLedger {

    private static final String HOLDING_IDS = """
            SELECT coalesce(array_agg(backend_xid::text), '{}') AS xids FROM pg_stat_activity
            WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()
            """;

    // An id still held by a session of this database: its transaction has not ended.
    private static final String STILL_RUNNING = """
            SELECT count(*) FROM pg_stat_activity
            WHERE datname = current_database() AND backend_xid::text = ANY($1::text[])
            """;

    private static final Duration POLL = Duration.ofMillis(10);

    private final Pool pool;
    private final Coalescer<Duration, Void> looks = new Coalescer<>(1_000, 1, this::settledAll);

    public WindowLedger(Pool pool) {
        this.pool = pool;
    }

    /**
     * Completes once every transaction of this database holding an id at the call has ended;
     * fails after {@code atMost} (a transaction held open that long), so the attempt is retried later.
     */
    public Uni<Void> settled(Duration atMost) {
        return looks.submit(atMost);
    }

    private Uni<List<Void>> settledAll(List<Duration> calls) {
        Duration atMost = calls.stream().min(Comparator.naturalOrder()).orElseThrow();
        List<Void> answers = Collections.nCopies(calls.size(), null);
        return look(atMost).replaceWith(answers);
    }

    private Uni<Void> look(Duration atMost) {
        return pool.query(HOLDING_IDS).execute()
                .map(rows -> rows.iterator().next().getArrayOfStrings("xids"))
                .chain(xids -> xids.length == 0 ? Uni.createFrom().voidItem()
                        : waitFor(xids, System.nanoTime() + atMost.toNanos(), atMost));
    }

    private Uni<Void> waitFor(String[] xids, long deadline, Duration atMost) {
        return pool.preparedQuery(STILL_RUNNING).execute(Tuple.of(xids))
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
                            .chain(() -> waitFor(xids, deadline, atMost));
                });
    }
}
