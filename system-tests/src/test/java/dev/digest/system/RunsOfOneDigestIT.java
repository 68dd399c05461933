package dev.digest.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Many runs of one digest requested at once, as a person clicking "run now" again and again
 * (or a backlog after an outage) makes them: the packaged api and two workers, one worker
 * SIGKILLed half-way. Runs of one digest deliver their windows one after another, so most of
 * them wait for their turn; every one must still finish, each email must arrive under its own
 * Message-ID, and nothing may be left pending or stranded {@code queued}.
 */
class RunsOfOneDigestIT {

    private static final int RUNS = 200;
    private static final List<String> RECIPIENTS = List.of("ops@example.com", "cto@example.com", "sales@example.com");

    @ParameterizedTest(name = "SMTP taking {1} ms per message")
    @CsvSource({"turns_fast, 0, 8", "turns_slow, 100, 9"})
    void everyRunOfOneDigestSucceedsWhenAWorkerIsKilledMidway(String name, long smtpDelay, int redisDb)
            throws Exception {
        try (ScriptedSmtp smtp = new ScriptedSmtp();
                Stack stack = Stack.local(name, redisDb, smtp.port())
                        .workerSetting("DIGEST_WORKER_LEASE", "PT5S")
                        .workerSetting("DIGEST_WORKER_LEASE_RENEW_EVERY", "1s")
                        .workerSetting("DIGEST_WORKER_RECONCILE_EVERY", "1s")
                        .workerSetting("DIGEST_WORKER_UNDELIVERED_AFTER", "PT5S")) {
            smtp.delay(smtpDelay);
            stack.startApi();
            Api api = stack.newTenant();
            String digest = Stack.newDigest(api, "Clicked often", RECIPIENTS);
            ServiceProcess victim = stack.startWorker(name + "-worker-1");
            stack.startWorker(name + "-worker-2").awaitReady(Duration.ofSeconds(90));
            victim.awaitReady(Duration.ofSeconds(90));

            long started = System.nanoTime();
            List<String> runs = new ArrayList<>(RUNS);
            for (int i = 0; i < RUNS; i++) {
                runs.add(api.post("/api/v1/digests/" + digest + "/runs", Map.of(), 202).get("id").asText());
            }
            String victimId = name + "-worker-1";
            Stack.await(Duration.ofSeconds(120), () -> stack.count("status = 'succeeded'", runs) >= RUNS / 4
                    && stack.count("status = 'running' AND worker_id = '" + victimId + "'", runs) > 0);
            List<String> heldByVictim = stack.query("SELECT id::text FROM digest_runs WHERE id = ANY(?)"
                    + " AND status = 'running' AND worker_id = '" + victimId + "'", runs, rs -> rs.getString(1));
            victim.kill();

            Stack.await(Duration.ofSeconds(240), () -> stack.count("status = 'succeeded'", runs) == RUNS);
            double seconds = (System.nanoTime() - started) / 1e9;
            Stack.await(Duration.ofSeconds(30), () -> stack.pending() == 0);

            Map<String, Integer> arrived = smtp.countsByMessageId();
            int received = arrived.values().stream().mapToInt(Integer::intValue).sum();
            long claims = stack.aggregate("sum(claims)", runs);
            System.out.printf("%nruns of one digest (SMTP %d ms per message): %d runs succeeded in %.1f s, worker"
                    + " killed holding %d; %d emails, %d distinct Message-IDs; %.2f re-queues per run"
                    + " (waiting for their turn or taken back); %d pending%n", smtpDelay, RUNS, seconds,
                    heldByVictim.size(), received, arrived.size(), (claims - RUNS) / (double) RUNS, stack.pending());

            assertEquals(Map.of("succeeded", RUNS), stack.statuses(runs));
            assertEquals(RUNS * RECIPIENTS.size(), arrived.size(), "distinct Message-IDs");
            Set<String> logged = new HashSet<>(stack.query("SELECT provider_message_id FROM digest_email_logs"
                    + " WHERE run_id = ANY(?) AND status = 'sent'", runs, rs -> rs.getString(1)));
            assertEquals(logged, arrived.keySet(), "Message-IDs received against those logged as sent");
            // The one repeat the design allows: the killed worker's email that the SMTP server had
            // accepted before its log row said sent. Only the run it held, under the same Message-ID.
            Set<String> resendable = new HashSet<>(stack.query("SELECT provider_message_id FROM digest_email_logs"
                    + " WHERE run_id = ANY(?) AND attempts > 1", heldByVictim, rs -> rs.getString(1)));
            arrived.forEach((id, times) -> assertTrue(times == 1 || (times == 2 && resendable.contains(id)),
                    id + " arrived " + times + " times"));
            assertEquals(0, stack.pending(), "messages pending in the consumer group");
            assertWindowsChain(stack, runs);
        }
    }

    /** Each run's window starts where the previous one's ended: every event in exactly one email. */
    private static void assertWindowsChain(Stack stack, List<String> runs) {
        List<Timestamp[]> windows = stack.query("SELECT window_start, window_end FROM digest_runs WHERE id = ANY(?)"
                + " ORDER BY window_end", runs, rs -> new Timestamp[] {rs.getTimestamp(1), rs.getTimestamp(2)});
        for (int i = 1; i < windows.size(); i++) {
            assertEquals(windows.get(i - 1)[1], windows.get(i)[0], "window " + i + " starts where " + (i - 1) + " ended");
        }
    }
}
