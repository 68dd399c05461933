package dev.digest.api.web;

import static org.hamcrest.Matchers.equalTo;

import dev.digest.api.support.Tenant;
import dev.digest.common.testing.PrivatePostgres;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.TreeMap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stopped under the api (its own server, stopped with {@code -m immediate}): requests
 * that need it answer 503 with {@code Retry-After}, never 500, and the api recovers by itself.
 */
@QuarkusTest
@TestProfile(DatabaseOutageTest.OwnPostgres.class)
class DatabaseOutageTest {

    // Started once per JVM: Quarkus may ask the profile for its settings again after the tests,
    // and that must not start a second server. Closed after the tests, and at JVM exit should the
    // tests not get that far.
    private static PrivatePostgres postgres;

    /** The api on a PostgreSQL server of this test's own. */
    public static class OwnPostgres implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return server().datasource("digest_outage");
        }
    }

    private static synchronized PrivatePostgres server() {
        if (postgres == null) {
            try {
                postgres = PrivatePostgres.start("digest_outage");
            } catch (Exception e) {
                throw new IllegalStateException("Cannot start a private PostgreSQL", e);
            }
            PrivatePostgres started = postgres;
            Runtime.getRuntime().addShutdownHook(new Thread(started::closeQuietly));
        }
        return postgres;
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        server().close();
    }

    @Test
    void requestsAreAnswered503WithRetryAfterWhileThePostgresIsDownAndWorkAgainAfter() throws Exception {
        Tenant tenant = Tenant.create();
        tenant.request().get("/api/v1/digests").then().statusCode(200);

        postgres.stopImmediately();
        try {
            for (int i = 0; i < 5; i++) {
                tenant.request().get("/api/v1/digests").then()
                        .statusCode(503)
                        .contentType("application/problem+json")
                        .header("Retry-After", "5")
                        .body("type", equalTo("urn:digest:problem:unavailable"));
            }
            Tenant.asAdmin().body(Map.of("name", "x", "slug", Tenant.uniqueSlug("down")))
                    .post("/api/v1/applications").then().statusCode(503);
        } finally {
            postgres.startServer();
        }

        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> tenant.request().get("/api/v1/digests").statusCode() == 200);
        tenant.request().get("/api/v1/digests").then().statusCode(200);
    }

    /**
     * Requests in flight when the server dies meet every way a connection can break (a FATAL
     * notice, a reset, a closed channel, a refused reconnect, a server starting up); each is a
     * 503, never a 500. Reads go through Hibernate Reactive, run-now through the batched ledger.
     */
    @Test
    void requestsInFlightWhenPostgresStopsAreAnswered503NotFailed() throws Exception {
        Tenant tenant = Tenant.create();
        String digest = tenant.digest(tenant.emailTemplate());
        Map<String, Integer> statuses = new ConcurrentHashMap<>();
        Map<Integer, String> bodies = new ConcurrentHashMap<>();
        AtomicBoolean requesting = new AtomicBoolean(true);
        ExecutorService load = Executors.newFixedThreadPool(6);
        List<Future<?>> clients = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            boolean runs = i % 2 == 0;
            clients.add(load.submit(() -> {
                while (requesting.get()) {
                    var response = runs
                            ? tenant.request().body(Map.of()).post("/api/v1/digests/{id}/runs", digest)
                            : tenant.request().get("/api/v1/digests");
                    statuses.merge((runs ? "run " : "list ") + response.statusCode(), 1, Integer::sum);
                    if (response.statusCode() >= 500 && response.statusCode() != 503) {
                        bodies.putIfAbsent(response.statusCode(), response.asString());
                    }
                }
                return null;
            }));
        }
        try {
            Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> statuses.getOrDefault("run 202", 0) > 20);
            // A few outages: which way a connection breaks depends on where each request was.
            for (int outage = 1; outage <= 3; outage++) {
                int refusedBefore = statuses.getOrDefault("run 503", 0);
                int acceptedBefore = statuses.getOrDefault("run 202", 0);
                postgres.stopImmediately();
                Awaitility.await().atMost(Duration.ofSeconds(20))
                        .until(() -> statuses.getOrDefault("run 503", 0) > refusedBefore + 20);
                postgres.startServer();
                Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                        .until(() -> statuses.getOrDefault("run 202", 0) > acceptedBefore + 20);
            }
        } finally {
            requesting.set(false);
            for (Future<?> client : clients) {
                client.get(30, TimeUnit.SECONDS);
            }
            load.shutdownNow();
        }
        assertEquals(Map.of(), bodies, "answers other than 2xx and 503: " + new TreeMap<>(statuses));
        assertTrue(statuses.keySet().stream().allMatch(status -> status.endsWith(" 200") || status.endsWith(" 202")
                || status.endsWith(" 503")), "statuses " + new TreeMap<>(statuses));
    }
}
