package dev.digest.api.ratelimit;

import static dev.digest.api.support.Problems.assertProblem;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.digest.api.support.Tenant;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Small limits over a long period, so nothing refills while a test runs, and a long wait for
 * Redis: on a loaded machine a 200 ms bound lets requests through fail-open and the counts
 * here would be off (RedisDownTest covers that path).
 */
@QuarkusTest
@TestProfile(RateLimitTest.SmallLimits.class)
class RateLimitTest {

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("digest.rate-limit.read", "5", "digest.rate-limit.write", "3",
                    "digest.rate-limit.ingest", "4", "digest.rate-limit.open", "2", "digest.rate-limit.auth-failures", "3",
                    "digest.rate-limit.period", "PT1H", "digest.rate-limit.timeout", "PT10S");
        }
    }

    @Test
    void aKeyOverItsWriteLimitGets429WithRetryAfterWhileOtherBucketsAndKeysGoOn() {
        Tenant tenant = Tenant.create();
        for (int i = 0; i < 3; i++) {
            tenant.request().body(Map.of("key", "t" + i, "name", "T" + i)).post("/api/v1/event-types").then()
                    .statusCode(201)
                    .header("RateLimit-Limit", "3")
                    .header("RateLimit-Remaining", String.valueOf(2 - i))
                    .header("RateLimit-Policy", "3;w=3600");
        }

        Response refused = tenant.request().body(Map.of("key", "t4", "name", "T4")).post("/api/v1/event-types");
        assertProblem(refused, 429, "rate-limited").header("RateLimit-Remaining", "0");
        long retryAfter = Long.parseLong(refused.getHeader("Retry-After"));
        assertTrue(retryAfter > 1000 && retryAfter <= 1200, "one request back every 1200 s: " + retryAfter);
        tenant.request().get("/api/v1/event-types/").then().statusCode(200).body("items.size()", org.hamcrest.Matchers.is(3));

        // Reads are their own bucket, and another key of the same application has its own.
        tenant.request().get("/api/v1/event-types").then().statusCode(200).header("RateLimit-Limit", "5");
        Tenant.as(tenant.newKey("write")).body(Map.of("key", "t5", "name", "T5")).post("/api/v1/event-types")
                .then().statusCode(201);
    }

    @Test
    void requestsRefusedForTheirScopeCostNothing() {
        Tenant tenant = Tenant.create();
        String readOnly = tenant.newKey("read");
        for (int i = 0; i < 5; i++) {
            assertProblem(Tenant.as(readOnly).body(Map.of("key", "r" + i, "name", "R")).post("/api/v1/event-types"),
                    403, "forbidden");
        }
        tenant.request().body(Map.of("key", "w", "name", "W")).post("/api/v1/event-types").then().statusCode(201);
    }

    @Test
    void concurrentRequestsNeverExceedTheLimit() throws Exception {
        Tenant tenant = Tenant.create();
        String key = tenant.newKey("read");
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                Callable<Integer> call = () -> Tenant.as(key).get("/api/v1/digests").statusCode();
                answers.add(pool.submit(call));
            }
            int ok = 0;
            int limited = 0;
            for (Future<Integer> answer : answers) {
                int status = answer.get();
                ok += status == 200 ? 1 : 0;
                limited += status == 429 ? 1 : 0;
            }
            assertEquals(5, ok);
            assertEquals(25, limited);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void ingestionHasItsOwnLimitAndABatchCountsOnce() {
        Tenant tenant = Tenant.create();
        tenant.eventType("tick");
        Map<String, Object> batch = Map.of("events", List.of(Map.of("type", "tick", "payload", Map.of()),
                Map.of("type", "tick", "payload", Map.of())));
        for (int i = 0; i < 4; i++) {
            tenant.request().body(batch).post("/api/v1/events").then().statusCode(201).header("RateLimit-Limit", "4");
        }
        assertProblem(tenant.request().body(batch).post("/api/v1/events"), 429, "rate-limited");
    }

    @Test
    void linksWithoutAKeyAreLimitedPerClientAddress() {
        int limited = 0;
        for (int i = 0; i < 4; i++) {
            limited += given().get("/unsubscribe/not-a-token").statusCode() == 429 ? 1 : 0;
        }
        assertTrue(limited >= 2, "at most 2 of 4 got through");
    }

    @Test
    void aFloodOfInvalidKeysFromOneAddressGets429() {
        int limited = 0;
        for (int i = 0; i < 6; i++) {
            int status = given().header("Authorization", "Bearer dgk_" + "x".repeat(40) + i).get("/api/v1/digests").statusCode();
            assertTrue(status == 401 || status == 429, "answered " + status);
            limited += status == 429 ? 1 : 0;
        }
        assertTrue(limited >= 3, "at most 3 of 6 failed authentications were answered 401");
    }
}
