package dev.digest.api.operations;

import static dev.digest.api.support.Problems.assertProblem;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import dev.digest.api.support.Tenant;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The console's admin reads, runs, tests and previews any application's digest; application keys stay in their own. */
@QuarkusTest
class AdminDigestAccessTest {

    private static String digestNamed(Tenant tenant, String name) {
        Map<String, Object> body = tenant.digestBody(tenant.emailTemplate());
        body.put("name", name);
        return tenant.request().body(body).post("/api/v1/digests").then().statusCode(201).extract().path("id");
    }

    @Test
    void theAdminListsEveryApplicationsDigestsWithTheirApplication() {
        Tenant first = Tenant.create();
        Tenant second = Tenant.create();
        String prefix = Tenant.uniqueSlug("admin-list");
        String a = digestNamed(first, prefix + " a");
        String b = digestNamed(second, prefix + " b");

        Tenant.asAdmin().queryParam("namePrefix", prefix).get("/api/v1/digests").then().statusCode(200)
                .body("items", hasSize(2))
                .body("items.id", containsInAnyOrder(a, b))
                .body("items.find { it.id == '" + a + "' }.applicationId", equalTo(first.applicationId()))
                .body("items.find { it.id == '" + b + "' }.applicationId", equalTo(second.applicationId()));
        first.request().queryParam("namePrefix", prefix).get("/api/v1/digests").then().statusCode(200)
                .body("items.id", containsInAnyOrder(a));
    }

    @Test
    void theAdminReadsPreviewsRunsAndTestsAnyDigest() {
        Tenant tenant = Tenant.create();
        String digest = tenant.digest(tenant.emailTemplate());

        Tenant.asAdmin().get("/api/v1/digests/{id}", digest).then().statusCode(200)
                .body("applicationId", equalTo(tenant.applicationId()));
        Tenant.asAdmin().get("/api/v1/digests/{id}/schedule", digest).then().statusCode(200)
                .body("cron", equalTo("0 0 8 * * ?"));
        Tenant.asAdmin().get("/api/v1/digests/{id}/preview", digest).then().statusCode(200)
                .body("digestId", equalTo(digest))
                .body("subject", equalTo("Digest for Daily orders"))
                .body("windowEnd", notNullValue());
        String run = Tenant.asAdmin().post("/api/v1/digests/{id}/runs", digest).then().statusCode(202)
                .body("status", equalTo("queued"))
                .body("trigger", equalTo("manual"))
                .body("applicationId", equalTo(tenant.applicationId()))
                .extract().path("id");
        Tenant.asAdmin().body(Map.of("to", "admin@example.com")).post("/api/v1/digests/{id}/test", digest)
                .then().statusCode(202).body("trigger", equalTo("test"))
                .body("applicationId", equalTo(tenant.applicationId()));
        // The run is the application's, as if its own key had asked.
        tenant.request().get("/api/v1/runs/{id}", run).then().statusCode(200).body("digestId", equalTo(digest));
    }

    @Test
    void theAdminStillCannotChangeDigestsNorFindMissingOnes() {
        Tenant tenant = Tenant.create();
        String template = tenant.emailTemplate();
        assertProblem(Tenant.asAdmin().body(tenant.digestBody(template)).post("/api/v1/digests"), 403, "forbidden");
        assertProblem(Tenant.asAdmin().get("/api/v1/digests/{id}", java.util.UUID.randomUUID()), 404, "not-found");
        assertProblem(Tenant.asAdmin().post("/api/v1/digests/{id}/runs", java.util.UUID.randomUUID()), 404, "not-found");
    }

    @Test
    void anApplicationKeyStillCannotSeeAnotherTenantsDigest() {
        Tenant owner = Tenant.create();
        Tenant stranger = Tenant.create();
        String digest = owner.digest(owner.emailTemplate());

        assertProblem(stranger.request().get("/api/v1/digests/{id}", digest), 404, "not-found");
        assertProblem(stranger.request().get("/api/v1/digests/{id}/preview", digest), 404, "not-found");
        assertProblem(stranger.request().get("/api/v1/digests/{id}/schedule", digest), 404, "not-found");
        assertProblem(stranger.request().body(Map.of("to", "x@example.com")).post("/api/v1/digests/{id}/test", digest),
                404, "not-found");
    }
}
