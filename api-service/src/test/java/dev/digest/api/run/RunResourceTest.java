package dev.digest.api.run;

import static dev.digest.api.support.Problems.assertProblem;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.digest.api.support.Tenant;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RunResourceTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    Pool pool;

    @Test
    void runsAreListedNewestFirstAndFiltered() {
        Tenant tenant = Tenant.create();
        String template = tenant.emailTemplate();
        String first = tenant.digest(template);
        String second = tenant.digest(template);
        String a = tenant.request().post("/api/v1/digests/{id}/runs", first).then().extract().path("id");
        String b = tenant.request().post("/api/v1/digests/{id}/runs", second).then().extract().path("id");
        String c = tenant.request().body(Map.of("to", "me@example.com")).post("/api/v1/digests/{id}/test", first)
                .then().extract().path("id");

        tenant.request().get("/api/v1/runs").then().body("items.id", contains(c, b, a));
        tenant.request().queryParam("digestId", first).get("/api/v1/runs").then().body("items.id", contains(c, a));
        tenant.request().queryParam("trigger", "manual").queryParam("limit", 1).get("/api/v1/runs")
                .then().body("items.id", contains(b)).body("nextCursor", notNullValue());
        assertProblem(tenant.request().queryParam("status", "finished").get("/api/v1/runs"), 400, "malformed-request")
                .body("violations.field", contains("status"));
    }

    @Test
    void onlyFailedOrDeadRunsCanBeRetried() {
        Tenant tenant = Tenant.create();
        String digest = tenant.digest(tenant.emailTemplate());
        String id = tenant.request().post("/api/v1/digests/{id}/runs", digest).then().extract().path("id");
        assertProblem(tenant.request().post("/api/v1/runs/{id}/retry", id), 409, "conflict");

        pool.preparedQuery("UPDATE digest_runs SET status = 'dead', attempts = 5, error = 'smtp down' WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(id))).await().atMost(WAIT);
        tenant.request().post("/api/v1/runs/{id}/retry", id).then().statusCode(202)
                .body("status", equalTo("queued")).body("attempts", equalTo(0)).body("enqueuedAt", notNullValue());
    }

    @Test
    void anotherTenantsDigestsAndRunsAreNotFound() {
        Tenant owner = Tenant.create();
        Tenant stranger = Tenant.create();
        String digest = owner.digest(owner.emailTemplate());
        String run = owner.request().post("/api/v1/digests/{id}/runs", digest).then().extract().path("id");

        assertProblem(stranger.request().post("/api/v1/digests/{id}/runs", digest), 404, "not-found");
        assertProblem(stranger.request().get("/api/v1/runs/{id}", run), 404, "not-found");
        assertProblem(stranger.request().post("/api/v1/runs/{id}/retry", run), 404, "not-found");
        assertProblem(Tenant.as(owner.newKey("read")).post("/api/v1/digests/{id}/runs", digest), 403, "forbidden");
    }
}
