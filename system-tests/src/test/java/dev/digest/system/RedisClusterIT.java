package dev.digest.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The packaged services on a real Redis Cluster: three {@code redis-server --cluster-enabled yes}
 * processes of the test's own, joined with {@code redis-cli --cluster create}. A run goes end
 * to end and the rate limiter (a Lua script) limits, with the client in cluster mode.
 */
class RedisClusterIT {

    @Test
    void aRunIsDeliveredAndRequestsAreRateLimitedOnARedisCluster() throws Exception {
        Path dir = Files.createTempDirectory("digest-redis-cluster-");
        List<Process> nodes = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        try (ScriptedSmtp smtp = new ScriptedSmtp()) {
            for (int i = 0; i < 3; i++) {
                int port = ServiceProcess.freePort();
                ports.add(port);
                nodes.add(new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                        "--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port + ".conf",
                        "--save", "", "--appendonly", "no", "--dir", dir.toString())
                        .redirectErrorStream(true).redirectOutput(dir.resolve("redis-" + port + ".log").toFile()).start());
            }
            for (int port : ports) {
                awaitPing(port);
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            ports.forEach(port -> create.add("127.0.0.1:" + port));
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            Process joining = new ProcessBuilder(create).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("create.log").toFile()).start();
            assertTrue(joining.waitFor(60, TimeUnit.SECONDS) && joining.exitValue() == 0,
                    "redis-cli --cluster create: " + Files.readString(dir.resolve("create.log")));
            Stack.await(Duration.ofSeconds(30), () -> ports.stream().allMatch(RedisClusterIT::clusterOk));

            String hosts = ports.stream().map(port -> "redis://127.0.0.1:" + port).collect(Collectors.joining(","));
            String stream = "digest:cluster:jobs";
            int owner = ownerOf(ports, stream);
            try (Stack stack = new Stack("cluster", System.getProperty("digest.system.pg-host", "127.0.0.1"),
                    Integer.getInteger("digest.system.pg-port", 5432), "127.0.0.1", owner, 0, smtp.port())
                    .redisSettings(Map.of("QUARKUS_REDIS_HOSTS", hosts, "QUARKUS_REDIS_CLIENT_TYPE", "cluster"))
                    .apiSetting("DIGEST_RATE_LIMIT_READ", "5")) {
                assertEquals(stream, stack.stream());
                stack.startApi();
                Api api = stack.newTenant();
                String digest = Stack.newDigest(api, "On a cluster", List.of("ops@example.com", "cto@example.com"));
                stack.startWorker("cluster-worker-1").awaitReady(Duration.ofSeconds(90));

                String run = api.post("/api/v1/digests/" + digest + "/runs", Map.of(), 202).get("id").asText();
                Stack.await(Duration.ofSeconds(60), () -> stack.count("status = 'succeeded'", List.of(run)) == 1);
                assertEquals(2, smtp.accepted(), "one email per recipient");
                // The acknowledgement follows the run's commit (batched with others'), so it may
                // land a moment after the run reads succeeded.
                Stack.await(Duration.ofSeconds(30), () -> stack.pending() == 0);

                // Read limit 5 per period: the first five reads pass with RateLimit headers, then 429.
                List<Integer> statuses = new ArrayList<>();
                String remainingAfterFirst = null;
                for (int i = 0; i < 7; i++) {
                    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                    stack.api().uri("/api/v1/runs/" + run)).header("Authorization", "Bearer " + api.key())
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                    statuses.add(response.statusCode());
                    if (i == 0) {
                        remainingAfterFirst = response.headers().firstValue("RateLimit-Remaining").orElse(null);
                    }
                    if (response.statusCode() == 429) {
                        assertTrue(response.headers().firstValue("Retry-After").isPresent());
                    }
                }
                System.out.printf("%nredis cluster: run delivered to 2 recipients through a 3-node cluster;"
                        + " read requests answered %s%n", statuses);
                assertEquals("4", remainingAfterFirst, "the limiter counted on the cluster (not failing open)");
                assertEquals(List.of(200, 200, 200, 200, 200, 429, 429), statuses);
            }
        } finally {
            for (Process node : nodes) {
                node.destroyForcibly();
                node.waitFor(10, TimeUnit.SECONDS);
            }
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static void awaitPing(int port) throws InterruptedException {
        Stack.await(Duration.ofSeconds(20), () -> {
            try (Redis redis = new Redis("127.0.0.1", port, 0)) {
                return "PONG".equals(redis.call("PING"));
            } catch (IOException notYet) {
                return false;
            }
        });
    }

    private static boolean clusterOk(int port) {
        try (Redis redis = new Redis("127.0.0.1", port, 0)) {
            return String.valueOf(redis.call("CLUSTER", "INFO")).contains("cluster_state:ok");
        } catch (IOException e) {
            return false;
        }
    }

    /** The node that holds {@code key}'s slot: the others answer MOVED. */
    private static int ownerOf(List<Integer> ports, String key) throws IOException {
        for (int port : ports) {
            try (Redis redis = new Redis("127.0.0.1", port, 0)) {
                redis.call("EXISTS", key);
                return port;
            } catch (IOException moved) {
                // MOVED: another node's slot.
            }
        }
        throw new IllegalStateException("no node holds " + key);
    }
}
