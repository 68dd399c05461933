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

    private static PrivatePostgres postgres;

    /** The api on a PostgreSQL server of this test's own. */
    public static class OwnPostgres implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                if (postgres == null) {
                    postgres = PrivatePostgres.start("digest_outage");
                }
                return postgres.datasource("digest_outage");
            } catch (Exception e) {
                throw new IllegalStateException("Cannot start a private PostgreSQL", e);
            }
        }
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
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
