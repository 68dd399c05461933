package dev.digest.api.operations;

import static dev.digest.api.support.Problems.assertProblem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.digest.api.schedule.Dispatcher;
import dev.digest.api.support.Tenant;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Pausing and resuming scheduled dispatch through {@code /api/v1/queue}, and the dispatcher
 * obeying it, driven with chosen instants as its own tests do (its timer is off in tests).
 */
@QuarkusTest
class DispatchPausesTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    Dispatcher dispatcher;

    @Inject
    Pool pool;

    /** An hourly digest of the tenant whose instants of the last three hours were all missed. */
    private String overdueDigest(Tenant tenant) {
        Map<String, Object> body = tenant.digestBody(tenant.emailTemplate());
        body.put("cron", "0 0 * * * ?");
        body.put("missedRuns", "coalesce");
        String digest = tenant.request().body(body).post("/api/v1/digests").then().statusCode(201).extract().path("id");
        pool.preparedQuery("UPDATE digest_digests SET next_run_at = date_trunc('hour', now()) - interval '2 hours'"
                + " WHERE id = $1").execute(Tuple.of(UUID.fromString(digest))).await().atMost(WAIT);
        return digest;
    }

    private long scheduledRuns(String digest) {
        return pool.preparedQuery("SELECT count(*) FROM digest_runs WHERE digest_id = $1 AND trigger = 'scheduled'")
                .execute(Tuple.of(UUID.fromString(digest))).await().atMost(WAIT).iterator().next().getLong(0);
    }

    private Instant nextRunAt(String digest) {
        return pool.preparedQuery("SELECT next_run_at FROM digest_digests WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(digest))).await().atMost(WAIT).iterator().next()
                .getOffsetDateTime(0).toInstant();
    }

    private void dispatchNow() {
        dispatcher.dispatch(Instant.now()).await().atMost(WAIT);
    }

    @Test
    void anApplicationPausesItsOwnDispatchAndOnResumeMissedInstantsCoalesce() {
        Tenant tenant = Tenant.create();
        String digest = overdueDigest(tenant);

        tenant.request().post("/api/v1/queue/pause").then().statusCode(200)
                .body("scope", equalTo("application"))
                .body("applicationId", equalTo(tenant.applicationId()))
                .body("paused", equalTo(true))
                .body("pausedAt", notNullValue());
        tenant.request().get("/api/v1/queue").then().body("paused.application", equalTo(true));

        dispatchNow();
        assertEquals(0, scheduledRuns(digest), "a paused application's digest is not dispatched");
        // Run-now is a person's request, not dispatch: it still works.
        tenant.request().post("/api/v1/digests/{id}/runs", digest).then().statusCode(202);

        tenant.request().post("/api/v1/queue/resume").then().statusCode(200)
                .body("scope", equalTo("application"))
                .body("paused", equalTo(false))
                .body("pausedAt", nullValue());
        tenant.request().get("/api/v1/queue").then().body("paused.application", equalTo(false));

        dispatchNow();
        assertEquals(1, scheduledRuns(digest), "the three missed instants make one run");
        assertTrue(nextRunAt(digest).isAfter(Instant.now()), "the schedule moved on");
    }

    @Test
    void aPauseNeedsNoBodyNorContentType() {
        Tenant tenant = Tenant.create();
        // What a console's fetch(url, {method: 'POST', headers: {Authorization}}) sends.
        given().auth().oauth2(tenant.key()).post("/api/v1/queue/pause").then().statusCode(200)
                .body("paused", equalTo(true));
        given().auth().oauth2(tenant.key()).post("/api/v1/queue/resume").then().statusCode(200)
                .body("paused", equalTo(false));
    }

    @Test
    void pausingTwiceKeepsTheFirstInstant() {
        Tenant tenant = Tenant.create();
        String first = tenant.request().post("/api/v1/queue/pause").then().statusCode(200).extract().path("pausedAt");
        tenant.request().post("/api/v1/queue/pause").then().statusCode(200).body("pausedAt", equalTo(first));
    }

    @Test
    void anApplicationKeyCannotPauseAnotherApplication() {
        Tenant tenant = Tenant.create();
        Tenant other = Tenant.create();

        assertProblem(tenant.request().body(Map.of("applicationId", other.applicationId())).post("/api/v1/queue/pause"),
                404, "not-found");
        other.request().get("/api/v1/queue").then().body("paused.application", equalTo(false));
        assertProblem(Tenant.as(tenant.newKey("read")).post("/api/v1/queue/pause"), 403, "forbidden");
        // Naming its own application is the same as naming none.
        tenant.request().body(Map.of("applicationId", tenant.applicationId())).post("/api/v1/queue/pause")
                .then().statusCode(200).body("paused", equalTo(true));
    }

    @Test
    void theAdminPausesOneApplicationById() {
        Tenant tenant = Tenant.create();
        Tenant other = Tenant.create();
        String digest = overdueDigest(tenant);
        String othersDigest = overdueDigest(other);

        Tenant.asAdmin().body(Map.of("applicationId", tenant.applicationId())).post("/api/v1/queue/pause")
                .then().statusCode(200)
                .body("scope", equalTo("application"))
                .body("applicationId", equalTo(tenant.applicationId()))
                .body("paused", equalTo(true));
        Tenant.asAdmin().get("/api/v1/queue").then()
                .body("paused.global", equalTo(false))
                .body("paused.applications", hasItem(tenant.applicationId()))
                .body("paused.applications", not(hasItem(other.applicationId())));
        tenant.request().get("/api/v1/queue").then().body("paused.application", equalTo(true));

        dispatchNow();
        assertEquals(0, scheduledRuns(digest));
        assertEquals(1, scheduledRuns(othersDigest), "other applications are dispatched as usual");

        Tenant.asAdmin().body(Map.of("applicationId", tenant.applicationId())).post("/api/v1/queue/resume")
                .then().statusCode(200).body("paused", equalTo(false));
        dispatchNow();
        assertEquals(1, scheduledRuns(digest));
        assertProblem(Tenant.asAdmin().body(Map.of("applicationId", UUID.randomUUID().toString()))
                .post("/api/v1/queue/pause"), 404, "not-found");
    }

    @Test
    void theAdminPausesDispatchEverywhere() {
        Tenant tenant = Tenant.create();
        String digest = overdueDigest(tenant);
        // The global pause is seen by every test using this database. Tests of a module run one
        // after another in one JVM, so resuming in finally keeps it from reaching any other test.
        try {
            Tenant.asAdmin().post("/api/v1/queue/pause").then().statusCode(200)
                    .body("scope", equalTo("global"))
                    .body("applicationId", nullValue())
                    .body("paused", equalTo(true))
                    .body("pausedAt", notNullValue());
            tenant.request().get("/api/v1/queue").then()
                    .body("paused.global", equalTo(true))
                    .body("paused.application", equalTo(false));
            Tenant.asAdmin().get("/api/v1/queue").then().body("paused.global", equalTo(true));
            dispatchNow();
            assertEquals(0, scheduledRuns(digest), "nothing is dispatched while paused globally");
        } finally {
            Tenant.asAdmin().post("/api/v1/queue/resume").then().statusCode(200)
                    .body("scope", equalTo("global"))
                    .body("paused", equalTo(false))
                    .body("pausedAt", nullValue());
        }
        Tenant.asAdmin().get("/api/v1/queue").then().body("paused.global", equalTo(false));
        dispatchNow();
        assertEquals(1, scheduledRuns(digest));
    }
}
