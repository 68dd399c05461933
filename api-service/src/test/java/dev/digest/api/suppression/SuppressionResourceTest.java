package dev.digest.api.suppression;

import static dev.digest.api.support.Problems.assertProblem;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.digest.api.support.Tenant;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SuppressionResourceTest {

    @Test
    void aSuppressedAddressIsListedAndThePreviewShowsItIsNotSentTo() {
        Tenant tenant = Tenant.create();
        String digest = tenant.digest(tenant.emailTemplate());

        tenant.request().body(Map.of("reason", "hard bounce")).put("/api/v1/suppressions/{a}", "Ops@Example.com")
                .then().statusCode(201).body("address", equalTo("ops@example.com")).body("reason", equalTo("hard bounce"))
                .body("createdAt", notNullValue());
        tenant.request().body(Map.of()).put("/api/v1/suppressions/{a}", "ops@example.com")
                .then().statusCode(200).body("reason", equalTo("hard bounce"));

        tenant.request().get("/api/v1/suppressions").then().statusCode(200).body("items.address", contains("ops@example.com"));
        tenant.request().queryParam("recipient", "ops@example.com").get("/api/v1/digests/{id}/preview", digest)
                .then().statusCode(200).body("unsubscribed", equalTo(true));
        tenant.request().queryParam("recipient", "ceo@example.com").get("/api/v1/digests/{id}/preview", digest)
                .then().statusCode(200).body("unsubscribed", equalTo(false));

        tenant.request().delete("/api/v1/suppressions/{a}", "ops@example.com").then().statusCode(204);
        tenant.request().queryParam("recipient", "ops@example.com").get("/api/v1/digests/{id}/preview", digest)
                .then().statusCode(200).body("unsubscribed", equalTo(false));
        assertProblem(tenant.request().delete("/api/v1/suppressions/{a}", "ops@example.com"), 404, "not-found");
    }

    @Test
    void theListIsTheApplicationsOwnAndNeedsTheWriteScopeToChange() {
        Tenant tenant = Tenant.create();
        Tenant other = Tenant.create();
        tenant.request().body(Map.of()).put("/api/v1/suppressions/{a}", "a@example.com").then().statusCode(201);

        other.request().get("/api/v1/suppressions").then().statusCode(200).body("items.size()", equalTo(0));
        assertProblem(Tenant.as(tenant.newKey("read")).body(Map.of()).put("/api/v1/suppressions/{a}", "b@example.com"),
                403, "forbidden");
        assertProblem(tenant.request().body(Map.of()).put("/api/v1/suppressions/{a}", "not an address"), 422, "validation");
    }
}
