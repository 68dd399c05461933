package dev.digest.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.digest.common.testing.PrivatePostgres;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * An operator's bad day, on servers of the test's own: while runs are requested and processed,
 * Redis is killed and comes back empty, Redis freezes, PostgreSQL stops, SMTP refuses
 * connections, SMTP answers 451, and a worker dies together with Redis. After each phase every
 * run the api accepted must reach {@code succeeded} by itself, each (run, recipient) must get
 * exactly one email (the one allowed repeat: a run on the killed worker, same Message-ID),
 * nothing may stay pending, and the api may answer 202 or 503 but never 500.
 */
class ChaosIT {

    private static final List<String> RECIPIENTS = List.of("ops@example.com", "cto@example.com");
    private static final int DIGESTS = 12;
    private static final Duration RECOVERY = Duration.ofSeconds(180);

    /** One fault: what it does, and how long the system is left in it. */
    private interface Fault {
        void inject() throws Exception;

        void heal() throws Exception;
    }

    private record Phase(String name, Duration length, Fault fault) {
    }

    private record Result(String phase, int runs, int lost, int repeats, double recoverySeconds,
            Map<Integer, Integer> statuses) {
    }

    @Test
    void everyAcceptedRunSucceedsThroughEachFault() throws Exception {
        try (PrivateRedis redis = new PrivateRedis();
                PrivatePostgres postgres = PrivatePostgres.start("postgres_ready");
                ScriptedSmtp smtp = new ScriptedSmtp();
                Stack stack = new Stack("chaos", "127.0.0.1", postgres.port(), "127.0.0.1", redis.port(), 0, smtp.port())
                        .workerSetting("DIGEST_WORKER_LEASE", "PT30S")
                        .workerSetting("DIGEST_WORKER_LEASE_RENEW_EVERY", "2s")
                        .workerSetting("DIGEST_WORKER_RECONCILE_EVERY", "1s")
                        .workerSetting("DIGEST_WORKER_REPUBLISH_EVERY", "1s")
                        .workerSetting("DIGEST_WORKER_UNDELIVERED_AFTER", "PT5S")
                        .workerSetting("DIGEST_WORKER_BACKOFF_INITIAL", "PT1S")
                        .workerSetting("DIGEST_WORKER_BACKOFF_MAX", "PT5S")
                        .workerSetting("DIGEST_WORKER_CONSUMER_EXPIRY", "PT30S")) {
            stack.startApi();
            Api api = stack.newTenant();
            List<String> digests = new ArrayList<>();
            for (int i = 0; i < DIGESTS; i++) {
                digests.add(Stack.newDigest(api, "Chaos " + i, RECIPIENTS));
            }
            ServiceProcess[] workers = {stack.startWorker("chaos-worker-1"), stack.startWorker("chaos-worker-2")};
            for (ServiceProcess worker : workers) {
                worker.awaitReady(Duration.ofSeconds(90));
            }

            List<Phase> phases = List.of(
                    new Phase("Redis killed, back empty", Duration.ofSeconds(3), new Fault() {
                        public void inject() throws Exception {
                            redis.kill();
                        }

                        public void heal() throws Exception {
                            redis.start();
                        }
                    }),
                    new Phase("Redis frozen (SIGSTOP)", Duration.ofSeconds(10), new Fault() {
                        public void inject() throws Exception {
                            redis.freeze();
                        }

                        public void heal() throws Exception {
                            redis.thaw();
                        }
                    }),
                    new Phase("PostgreSQL stopped (immediate)", Duration.ofSeconds(10), new Fault() {
                        public void inject() throws Exception {
                            postgres.stopImmediately();
                        }

                        public void heal() throws Exception {
                            postgres.startServer();
                        }
                    }),
                    new Phase("SMTP refusing connections", Duration.ofSeconds(15), new Fault() {
                        public void inject() throws Exception {
                            smtp.refuse();
                        }

                        public void heal() throws Exception {
                            smtp.listen();
                        }
                    }),
                    new Phase("SMTP answering 451", Duration.ofSeconds(10), new Fault() {
                        public void inject() {
                            smtp.mode(ScriptedSmtp.Mode.TEMPORARY_FAILURE);
                        }

                        public void heal() {
                            smtp.mode(ScriptedSmtp.Mode.ACCEPT);
                        }
                    }),
                    new Phase("worker killed with Redis", Duration.ofSeconds(3), new Fault() {
                        public void inject() throws Exception {
                            workers[1].kill();
                            redis.kill();
                        }

                        public void heal() throws Exception {
                            redis.start();
                            workers[1] = stack.startWorker("chaos-worker-3");
                            workers[1].awaitReady(Duration.ofSeconds(90));
                        }
                    }));

            List<Result> results = new ArrayList<>();
            Map<String, Readiness> frozenHealth = new TreeMap<>();
            Set<String> killedWorkerRuns = new HashSet<>();
            for (Phase phase : phases) {
                Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
                List<String> runs = Collections.synchronizedList(new ArrayList<>());
                AtomicBoolean requesting = new AtomicBoolean(true);
                Thread load = new Thread(() -> request(api, digests, runs, statuses, requesting), "chaos-load");
                load.start();
                // The sleeps below are the scenario's timeline (load before, during and after each
                // fault, for the phase's length), not waits for a condition; those use Stack.await.
                Thread.sleep(2000);
                if (phase.name().startsWith("worker killed")) {
                    killedWorkerRuns.addAll(stack.query("SELECT id::text FROM digest_runs WHERE id = ANY(?) AND"
                            + " status = 'running' AND worker_id = 'chaos-worker-2'", List.copyOf(runs), rs -> rs.getString(1)));
                }
                phase.fault().inject();
                if (phase.name().startsWith("Redis frozen")) {
                    Thread.sleep(1000);
                    frozenHealth.put("worker", timeReadiness(workers[0]));
                    frozenHealth.put("api", timeReadiness(stack.api()));
                    Thread.sleep(phase.length().toMillis() - 1000 - frozenHealth.values().stream()
                            .mapToLong(answer -> answer.millis()).sum());
                } else {
                    Thread.sleep(phase.length().toMillis());
                }
                phase.fault().heal();
                long healed = System.nanoTime();
                Thread.sleep(2000);
                requesting.set(false);
                load.join(60_000);

                List<String> accepted = List.copyOf(runs);
                boolean recovered = awaitQuietly(() -> stack.count("status = 'succeeded'", accepted) == accepted.size()
                        && stack.pending() == 0);
                double recovery = (System.nanoTime() - healed) / 1e9;
                int lost = accepted.size() - stack.count("status = 'succeeded'", accepted);
                results.add(new Result(phase.name(), accepted.size(), lost, repeats(stack, smtp, accepted),
                        recovered ? recovery : Double.NaN, new TreeMap<>(statuses)));
            }

            System.out.printf("%nchaos: %-32s %5s %5s %8s %10s  %s%n", "phase", "runs", "lost", "repeats",
                    "recovery s", "statuses clients saw");
            for (Result result : results) {
                System.out.printf("chaos: %-32s %5d %5d %8d %10.1f  %s%n", result.phase(), result.runs(),
                        result.lost(), result.repeats(), result.recoverySeconds(), result.statuses());
            }

            System.out.printf("chaos: readiness while Redis was frozen: %s%n", frozenHealth);

            frozenHealth.forEach((service, answer) -> {
                assertTrue(answer.millis() < 4000, service + " readiness took " + answer.millis() + " ms");
                assertEquals(503, answer.status(), service + " readiness while Redis is frozen");
            });
            for (Result result : results) {
                assertEquals(0, result.lost(), result.phase() + ": runs that did not succeed");
                assertTrue(result.runs() > 0, result.phase() + ": runs accepted");
                assertTrue(!result.statuses().containsKey(500), result.phase() + ": a 500 was answered; the api logged "
                        + stack.api().logText().lines().filter(line -> line.contains("Unhandled failure")).toList());
                assertTrue(result.statuses().keySet().stream().allMatch(code -> code == 202 || code == 503),
                        result.phase() + ": statuses " + result.statuses());
            }
            assertEmailsOncePerRunAndRecipient(stack, smtp, killedWorkerRuns);
            for (ServiceProcess service : List.of(stack.api(), workers[0])) {
                assertTrue(!service.logText().contains("Uncaught exception received by Vert.x"),
                        service.name() + " logged an uncaught exception; see its log");
            }
            assertEquals(0, stack.pending(), "messages pending in the consumer group");
        }
    }

    /** How a readiness probe was answered: its status and how long it took. */
    private record Readiness(int status, long millis) {
    }

    private static Readiness timeReadiness(ServiceProcess service) throws Exception {
        long started = System.nanoTime();
        int status;
        try {
            status = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            service.uri("/q/health/ready")).timeout(Duration.ofSeconds(8)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.net.http.HttpTimeoutException e) {
            status = -1;
        }
        return new Readiness(status, (System.nanoTime() - started) / 1_000_000);
    }

    /** Run-now requests, round-robin over the digests, about 10 a second, until told to stop. */
    private static void request(Api api, List<String> digests, List<String> runs, Map<Integer, Integer> statuses,
            AtomicBoolean requesting) {
        int i = 0;
        while (requesting.get()) {
            try {
                HttpResponse<String> response = api.send("/api/v1/digests/" + digests.get(i++ % digests.size())
                        + "/runs", Map.of());
                statuses.merge(response.statusCode(), 1, Integer::sum);
                if (response.statusCode() == 202) {
                    runs.add(Api.id(response));
                }
                // Paces the load at about 10 requests a second.
                Thread.sleep(100);
            } catch (java.io.IOException e) {
                statuses.merge(-1, 1, Integer::sum);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static boolean awaitQuietly(java.util.function.BooleanSupplier condition) throws InterruptedException {
        try {
            Stack.await(RECOVERY, () -> {
                try {
                    return condition.getAsBoolean();
                } catch (RuntimeException databaseNotBackYet) {
                    return false;
                }
            });
            return true;
        } catch (AssertionError notInTime) {
            return false;
        }
    }

    /** Emails beyond one per (run, recipient) that the SMTP server accepted for these runs. */
    private static int repeats(Stack stack, ScriptedSmtp smtp, List<String> runs) {
        Map<String, Integer> arrived = smtp.countsByMessageId();
        return stack.query("SELECT provider_message_id FROM digest_email_logs WHERE run_id = ANY(?) AND status = 'sent'",
                runs, rs -> rs.getString(1)).stream().mapToInt(id -> Math.max(0, arrived.getOrDefault(id, 0) - 1)).sum();
    }

    private static void assertEmailsOncePerRunAndRecipient(Stack stack, ScriptedSmtp smtp, Set<String> killedWorkerRuns) {
        List<String> all = stack.query("SELECT id::text FROM digest_runs WHERE id = ANY(?) OR true", List.of(),
                rs -> rs.getString(1));
        Map<String, Integer> arrived = smtp.countsByMessageId();
        List<String> logged = stack.query("SELECT provider_message_id FROM digest_email_logs WHERE run_id = ANY(?)"
                + " AND status = 'sent'", all, rs -> rs.getString(1));
        assertEquals(all.size() * RECIPIENTS.size(), logged.size(), "every (run, recipient) logged as sent");
        assertEquals(new HashSet<>(logged), arrived.keySet(), "Message-IDs received against those logged");
        Set<String> resendable = new HashSet<>(stack.query("SELECT provider_message_id FROM digest_email_logs"
                + " WHERE run_id = ANY(?) AND attempts > 1", List.copyOf(killedWorkerRuns), rs -> rs.getString(1)));
        arrived.forEach((id, times) -> assertTrue(times == 1 || (times == 2 && resendable.contains(id)),
                id + " arrived " + times + " times"));
    }
}
