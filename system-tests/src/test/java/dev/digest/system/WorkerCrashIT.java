package dev.digest.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The packaged api-service and worker-service as separate processes, on the local PostgreSQL
 * and Redis and a real SMTP server: one worker is SIGKILLed while runs are in flight, another
 * is SIGTERMed, and every run must still end succeeded with each email delivered once (save
 * the one duplicate per run the design allows, carrying the same Message-ID).
 *
 * <p>Each test starts a {@link Stack} of its own (its own database, Redis database, stream
 * names and SMTP sink), so they run in any order.
 */
class WorkerCrashIT {

    private static final List<String> RECIPIENTS = List.of("ops@example.com", "cto@example.com", "sales@example.com");
    private static final int CRASH_RUNS = 200;
    private static final int DRAIN_RUNS = 100;
    private static final Set<String> TERMINAL = Set.of("succeeded", "failed", "skipped", "dead");

    /** The api of a new stack; the test creates 100s of digests and runs within seconds with one key. */
    private static Stack stack(String name, int redisDb, SmtpSink smtp) throws Exception {
        Stack stack = Stack.local(name, redisDb, smtp.port());
        try {
            stack.startApi();
        } catch (Exception | AssertionError e) {
            stack.close();
            throw e;
        }
        return stack;
    }

    @Test
    void aKilledWorkersRunsAreReclaimedAndEachEmailArrivesOnce() throws Exception {
        try (SmtpSink smtp = new SmtpSink(); Stack stack = stack("crash", 3, smtp)) {
            Api api = stack.newTenant();
            // The runs are all queued before the workers start, so both have work for several seconds.
            List<String> runs = requestRuns(api, CRASH_RUNS);
            long started = System.nanoTime();
            ServiceProcess victim = stack.startWorker("system-worker-1");
            stack.startWorker("system-worker-2");
            victim.awaitReady(Duration.ofSeconds(90));
            Stack.await(Duration.ofSeconds(60), () -> stack.count("status = 'running' AND worker_id = 'system-worker-1'", runs) > 0
                    && stack.count("status = 'succeeded'", runs) >= 20);
            victim.kill();
            int inFlightAtKill = stack.count("status = 'running' AND worker_id = 'system-worker-1'", runs);
            int doneAtKill = stack.count("status = 'succeeded'", runs);

            Stack.await(Duration.ofSeconds(120), () -> terminal(stack, runs) == runs.size());
            double seconds = (System.nanoTime() - started) / 1e9;
            // A job whose outcome was committed but not yet acknowledged when the worker died stays
            // pending until another worker claims it after the idle time and acknowledges it.
            Stack.await(Duration.ofSeconds(30), () -> stack.pending() == 0);

            Map<String, Integer> arrived = smtp.countsByMessageId();
            Set<String> logged = loggedMessageIds(stack, runs);
            int received = arrived.values().stream().mapToInt(Integer::intValue).sum();
            int duplicates = received - arrived.size();
            System.out.printf("%nworker crash: %d runs, worker-1 killed with %d runs in flight after %d had succeeded;"
                    + " %d succeeded in %.1f s; SMTP received %d messages, %d distinct Message-IDs, %d duplicates;"
                    + " %d pending in the group%n",
                    runs.size(), inFlightAtKill, doneAtKill, stack.count("status = 'succeeded'", runs), seconds, received,
                    arrived.size(), duplicates, stack.pending());

            assertTrue(inFlightAtKill > 0, "runs in flight on the killed worker");
            assertEquals(Map.of("succeeded", CRASH_RUNS), stack.statuses(runs));
            assertEquals(CRASH_RUNS * RECIPIENTS.size(), logged.size(), "emails logged as sent");
            assertEquals(logged, arrived.keySet(), "Message-IDs received against those logged");
            // The one duplicate the design allows: the worker died after the SMTP server took the
            // email and before its log row said sent, so the next attempt sent it again, under the
            // same Message-ID. At most one per run in flight, and only where a second attempt was made.
            assertTrue(duplicates <= inFlightAtKill, duplicates + " duplicates for " + inFlightAtKill + " runs in flight");
            Set<String> resent = new HashSet<>(stack.query("SELECT provider_message_id FROM digest_email_logs"
                    + " WHERE run_id = ANY(?) AND attempts > 1", runs, rs -> rs.getString(1)));
            arrived.forEach((id, times) -> {
                assertTrue(times <= 2, id + " arrived " + times + " times");
                assertTrue(times == 1 || resent.contains(id), id + " arrived twice without a second attempt");
            });
            assertEquals(0, stack.pending(), "messages pending in the consumer group");
        }
    }

    @Test
    void aTerminatedWorkerFinishesItsJobsAndTheRestWaitForAnother() throws Exception {
        try (SmtpSink smtp = new SmtpSink(); Stack stack = stack("drain", 4, smtp)) {
            Api api = stack.newTenant();
            ServiceProcess leaving = stack.startWorker("system-worker-2").awaitReady(Duration.ofSeconds(90));
            Map<String, Integer> before = smtp.countsByMessageId();
            List<String> runs = requestRuns(api, DRAIN_RUNS);
            Stack.await(Duration.ofSeconds(60), () -> stack.count("status = 'running' AND worker_id = 'system-worker-2'", runs) > 0);
            List<String> inFlight = ids(stack, "status = 'running' AND worker_id = 'system-worker-2'", runs);
            long stopping = System.nanoTime();
            boolean exited = leaving.terminate(Duration.ofSeconds(45));
            double stopSeconds = (System.nanoTime() - stopping) / 1e9;

            assertTrue(exited, "worker exited after SIGTERM");
            assertEquals(Map.of("succeeded", inFlight.size()), stack.statuses(inFlight), "runs in flight at SIGTERM");
            assertEquals(inFlight.size(), stack.count("worker_id = 'system-worker-2'", inFlight), "finished by the leaving worker");
            assertEquals(0, stack.pending(), "the leaving worker acknowledged every job it had taken");

            stack.startWorker("system-worker-3").awaitReady(Duration.ofSeconds(90));
            Stack.await(Duration.ofSeconds(120), () -> terminal(stack, runs) == runs.size());
            Stack.await(Duration.ofSeconds(30), () -> stack.pending() == 0);

            Map<String, Integer> arrived = smtp.countsByMessageId();
            Set<String> logged = loggedMessageIds(stack, runs);
            long repeated = logged.stream().filter(id -> arrived.getOrDefault(id, 0) > 1).count();
            System.out.printf("%nworker drain: SIGTERM with %d runs in flight, exited in %.1f s, all %d finished by it;"
                    + " %d more runs finished by a new worker; %d emails, %d repeated; %d pending in the group%n",
                    inFlight.size(), stopSeconds, inFlight.size(), runs.size() - inFlight.size(), logged.size(),
                    repeated, stack.pending());

            assertEquals(Map.of("succeeded", DRAIN_RUNS), stack.statuses(runs));
            assertEquals(DRAIN_RUNS * RECIPIENTS.size(), logged.size(), "emails logged as sent");
            for (String id : logged) {
                assertTrue(!before.containsKey(id) && arrived.getOrDefault(id, 0) == 1, id + " arrived once");
            }
            assertEquals(0, stack.pending(), "messages pending in the consumer group");
        }
    }

    /** A run of a digest of its own for each: runs of one digest deliver their windows one at a time. */
    private static List<String> requestRuns(Api api, int n) throws Exception {
        List<String> digests = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            digests.add(Stack.newDigest(api, "Crash digest " + i, RECIPIENTS));
        }
        List<String> ids = new ArrayList<>(n);
        for (String digestId : digests) {
            ids.add(api.post("/api/v1/digests/" + digestId + "/runs", Map.of(), 202).get("id").asText());
        }
        return ids;
    }

    private static List<String> ids(Stack stack, String where, List<String> runs) {
        return stack.query("SELECT id::text FROM digest_runs WHERE id = ANY(?) AND " + where, runs, rs -> rs.getString(1));
    }

    private static int terminal(Stack stack, List<String> runs) {
        return stack.statuses(runs).entrySet().stream().filter(e -> TERMINAL.contains(e.getKey()))
                .mapToInt(Map.Entry::getValue).sum();
    }

    private static Set<String> loggedMessageIds(Stack stack, List<String> runs) {
        return new HashSet<>(stack.query("SELECT provider_message_id FROM digest_email_logs WHERE run_id = ANY(?)"
                + " AND status = 'sent'", runs, rs -> rs.getString(1)));
    }
}
