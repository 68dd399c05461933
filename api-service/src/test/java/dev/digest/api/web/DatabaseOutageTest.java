package dev.digest.api.web;

import static org.hamcrest.Matchers.equalTo;

import dev.digest.api.support.Tenant;
import dev.digest.common.testing.PrivatePostgres;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
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
}
