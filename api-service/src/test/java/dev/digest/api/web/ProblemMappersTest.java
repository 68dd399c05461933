package dev.digest.api.web;

import static dev.digest.api.support.Problems.assertInvalidField;
import static dev.digest.api.support.Problems.assertProblem;
import static dev.digest.api.support.Tenant.asAdmin;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.digest.api.support.Tenant;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ProblemMappersTest {

    @Test
    void malformedJsonIsA400Problem() {
        assertProblem(asAdmin().body("{\"name\": \"x\", ").post("/api/v1/applications"), 400, "malformed-request");
        assertProblem(asAdmin().body("[1, 2]").post("/api/v1/applications"), 400, "malformed-request");
    }

    @Test
    void aFieldOfTheWrongTypeIsNamed() {
        Tenant tenant = Tenant.create();
        String template = tenant.emailTemplate();
        assertInvalidField(tenant.request().body("{\"name\":\"d\",\"cron\":\"0 0 8 * * ?\",\"timeZone\":\"UTC\","
                + "\"recipients\":[\"a@example.com\"],\"emailTemplateId\":\"" + template + "\",\"enabled\":{}}")
                .post("/api/v1/digests"), "enabled");
        assertInvalidField(tenant.request().body("{\"name\":\"d\",\"emptyWindow\":\"sometimes\"}").post("/api/v1/digests"),
                "emptyWindow").body("violations.message", org.hamcrest.Matchers.hasItem(containsString("skip, send")));
    }

    @Test
    void anEmptyBodyIsAValidationProblem() {
        assertProblem(asAdmin().post("/api/v1/applications"), 422, "validation");
    }

    @Test
    void aWrongContentTypeIsA415Problem() {
        assertProblem(given().auth().oauth2(Tenant.adminKey()).contentType("text/plain").body("name=x")
                .post("/api/v1/applications"), 415, "unsupported-media-type");
    }

    @Test
    void aMissingRowIsA404ProblemNamingWhatIsMissing() {
        Tenant tenant = Tenant.create();
        assertProblem(tenant.request().get("/api/v1/digests/" + UUID.randomUUID()), 404, "not-found")
                .body("title", equalTo("Not found"))
                .body("detail", equalTo("Digest not found"))
                .body("violations", nullValue());
        assertProblem(tenant.request().post("/api/v1/runs/" + UUID.randomUUID() + "/cancel"), 404, "not-found")
                .body("detail", equalTo("Run not found"));
    }

    @Test
    void unknownRoutesAndMethodsAreProblems() {
        assertProblem(asAdmin().get("/api/v1/nothing-here"), 404, "not-found");
        assertProblem(asAdmin().patch("/api/v1/applications"), 405, "method-not-allowed");
    }
}
