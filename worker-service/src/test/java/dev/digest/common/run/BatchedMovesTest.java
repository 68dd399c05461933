package dev.digest.common.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.digest.common.job.JobQueueConfig;
import dev.digest.worker.support.RunFixture;
import dev.digest.worker.support.TimersOff;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The ledger's moves made by many runs at once, as a worker makes them under load: they share
 * statements (see Coalescer), and every guarantee of one run alone must still hold for each.
 */
@QuarkusTest
@TestProfile(TimersOff.class)
class BatchedMovesTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration LEASE = Duration.ofMinutes(1);

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    JobQueueConfig queue;

    @Inject
    RunLedger ledger;

    private RunFixture fixture() {
        return RunFixture.create(pool, redis, queue.stream(), 1);
    }

    private static <T> List<T> together(List<Uni<T>> calls) {
        return Uni.join().all(calls).andCollectFailures().await().atMost(WAIT);
    }

    private long attemptRows(UUID run) {
        return pool.preparedQuery("SELECT count(*) FROM digest_run_attempts WHERE run_id = $1").execute(Tuple.of(run))
                .await().atMost(WAIT).iterator().next().getLong(0);
    }

    @Test
    void claimsMadeTogetherTakeEachRunOnceEvenWhenTwoMessagesNameIt() {
        RunFixture fixture = fixture();
        List<UUID> runs = new ArrayList<>();
        List<Uni<ClaimedRun>> claims = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            UUID run = fixture.queuedRun();
            runs.add(run);
            claims.add(ledger.claim(run, (1000 + i) + "-0", "batch-test", LEASE));
        }
        // A second message for some of them, in the same wave: a duplicate finds the run taken.
        for (int i = 0; i < 5; i++) {
            claims.add(ledger.claim(runs.get(i), (2000 + i) + "-0", "batch-test", LEASE));
        }

        List<ClaimedRun> claimed = together(claims);

        assertEquals(40, claimed.stream().filter(Objects::nonNull).count(), "each run claimed by exactly one message");
        for (UUID run : runs) {
            assertEquals("running", fixture.run(run).getString("status"));
            assertEquals(1, fixture.run(run).getInteger("claims"));
            assertEquals(1, attemptRows(run), "one attempt in the history per claim");
        }
        for (int i = 0; i < 40; i++) {
            ClaimedRun run = claimed.get(i);
            if (run != null) {
                assertEquals(runs.get(i), run.id(), "each caller gets its own run");
                assertEquals((1000 + i) + "-0", fixture.run(run.id()).getString("stream_message_id"));
            }
        }
    }

    @Test
    void windowsOfOneDigestFixedTogetherTakeTurnsAndTheFinishWakesTheOldest() {
        RunFixture fixture = fixture();
        Instant first = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        List<ClaimedRun> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            UUID run = fixture.scheduledRun(first.plus(i, ChronoUnit.HOURS));
            runs.add(ledger.claim(run, (3000 + i) + "-0", "batch-test", LEASE).await().atMost(WAIT));
        }

        List<WindowTurn> turns = together(runs.stream()
                .map(run -> ledger.fixWindow(run, run.scheduledFor(), Duration.ofDays(1), Duration.ofMinutes(5)))
                .toList());

        assertEquals(1, turns.stream().filter(turn -> turn.window() != null).count(), "one window open at a time");
        assertEquals(2, turns.stream().filter(WindowTurn::waiting).count(), "the others wait their turn");
        int holder = turns.indexOf(turns.stream().filter(turn -> turn.window() != null).findFirst().orElseThrow());
        assertEquals(0, holder, "the first in the batch fixes its window; the rest see it");
        assertEquals(1, attemptRows(runs.get(0).id()));
        assertEquals(0, attemptRows(runs.get(1).id()) + attemptRows(runs.get(2).id()),
                "waiting runs gave their attempt back");

        Finished finished = ledger.finish(runs.get(0), RunStatus.SUCCEEDED, 0, null, List.of()).await().atMost(WAIT);

        assertTrue(finished.done() && finished.wokeNext());
        assertTrue(!fixture.run(runs.get(1).id()).getBoolean("turn_wait"), "the oldest waiting window is woken");
        assertTrue(fixture.run(runs.get(2).id()).getBoolean("turn_wait"), "the next one still waits");
        assertNotNull(fixture.run(runs.get(0).id()).getOffsetDateTime("finished_at"));
    }

    @Test
    void runsOfManyDigestsFixAndFinishTogether() {
        List<RunFixture> fixtures = new ArrayList<>();
        List<ClaimedRun> runs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            RunFixture fixture = fixture();
            fixtures.add(fixture);
            runs.add(ledger.claim(fixture.queuedRun(), (4000 + i) + "-0", "batch-test", LEASE).await().atMost(WAIT));
        }
        Instant end = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        List<WindowTurn> turns = together(runs.stream()
                .map(run -> ledger.fixWindow(run, end, Duration.ofDays(1), Duration.ofMinutes(5))).toList());
        List<Finished> finished = together(runs.stream()
                .map(run -> ledger.finish(run, RunStatus.SUCCEEDED, 7, null, List.of())).toList());

        for (int i = 0; i < runs.size(); i++) {
            assertEquals(end, turns.get(i).window().end());
            assertTrue(finished.get(i).done());
            var row = fixtures.get(i).run(runs.get(i).id());
            assertEquals("succeeded", row.getString("status"));
            assertEquals(7, row.getInteger("event_count"));
            assertEquals(end, row.getOffsetDateTime("window_end").toInstant());
            var digest = pool.preparedQuery("SELECT last_run_at FROM digest_digests WHERE id = $1")
                    .execute(Tuple.of(fixtures.get(i).digestId())).await().atMost(WAIT).iterator().next();
            assertNotNull(digest.getOffsetDateTime("last_run_at"), "the digest is marked as run");
        }
    }
}
