package dev.digest.api.digesttemplate;

import static dev.digest.api.support.Problems.assertInvalidField;
import static dev.digest.api.support.Problems.assertProblem;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import dev.digest.api.support.Tenant;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class DigestTemplateResourceTest {

    @Test
    void presetsAreCreatedReadUpdatedListedAndDeleted() {
        Tenant tenant = Tenant.create();
        String id = tenant.request().body(Map.of("name", "Nightly", "cron", "0 0 2 * * ?", "timeZone", "UTC"))
                .post("/api/v1/digest-templates")
                .then().statusCode(201).body("eventTypes", hasSize(0)).body("emailTemplateId", nullValue())
                .extract().path("id");
        tenant.request().body(Map.of("name", "Nightly EU", "cron", "0 0 2 * * ?", "timeZone", "Europe/Dublin", "version", 0))
                .put("/api/v1/digest-templates/{id}", id)
                .then().statusCode(200).body("timeZone", equalTo("Europe/Dublin")).body("version", equalTo(1));
        tenant.request().get("/api/v1/digest-templates").then().body("items.name", contains("Nightly EU"));
        tenant.request().delete("/api/v1/digest-templates/{id}", id).then().statusCode(204);
        assertProblem(tenant.request().get("/api/v1/digest-templates/{id}", id), 404, "not-found");
    }

    @Test
    void presetValuesAreValidatedLikeADigests() {
        Tenant tenant = Tenant.create();
        assertInvalidField(tenant.request().body(Map.of("name", "p", "cron", "61 * * * * ?"))
                .post("/api/v1/digest-templates"), "cron");
        assertInvalidField(tenant.request().body(Map.of("name", "p", "timeZone", "+02:00"))
                .post("/api/v1/digest-templates"), "timeZone");
        assertInvalidField(tenant.request().body(Map.of("name", "p", "eventTypes", List.of("missing.type")))
                .post("/api/v1/digest-templates"), "eventTypes");
        Tenant stranger = Tenant.create();
        assertInvalidField(stranger.request().body(Map.of("name", "p", "emailTemplateId", tenant.emailTemplate()))
                .post("/api/v1/digest-templates"), "emailTemplateId");
    }

    @Test
    void anotherTenantsPresetIsNotFound() {
        Tenant owner = Tenant.create();
        Tenant stranger = Tenant.create();
        String id = owner.request().body(Map.of("name", "Mine")).post("/api/v1/digest-templates")
                .then().statusCode(201).extract().path("id");
        assertProblem(stranger.request().get("/api/v1/digest-templates/{id}", id), 404, "not-found");
        assertProblem(stranger.request().delete("/api/v1/digest-templates/{id}", id), 404, "not-found");
    }
}
