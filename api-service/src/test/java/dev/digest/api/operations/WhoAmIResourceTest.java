package dev.digest.api.operations;

import static dev.digest.api.support.Problems.assertProblem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.digest.api.support.Tenant;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class WhoAmIResourceTest {

    @Test
    void theAdminKeyIsTheAdminOfNoApplicationWithEveryScope() {
        Tenant.asAdmin().get("/api/v1/me").then().statusCode(200)
                .body("admin", equalTo(true))
                .body("applicationId", nullValue())
                .body("applicationName", nullValue())
                .body("scopes", contains("read", "write"));
    }

    @Test
    void anApplicationKeyNamesItsApplicationAndScopes() {
        Tenant tenant = Tenant.create();
        tenant.request().get("/api/v1/me").then().statusCode(200)
                .body("admin", equalTo(false))
                .body("applicationId", equalTo(tenant.applicationId()))
                .body("applicationName", equalTo("Tenant " + tenant.slug()))
                .body("scopes", contains("read", "write", "ingest"));
    }

    @Test
    void anIngestOnlyKeyMayAskWhoItIs() {
        Tenant tenant = Tenant.create();
        Tenant.as(tenant.newKey("ingest")).get("/api/v1/me").then().statusCode(200)
                .body("admin", equalTo(false))
                .body("applicationId", equalTo(tenant.applicationId()))
                .body("scopes", contains("ingest"));
    }

    @Test
    void withoutAValidKeyItIsUnauthenticated() {
        assertProblem(given().get("/api/v1/me"), 401, "unauthenticated");
        assertProblem(Tenant.as("dgst_no-such-key").get("/api/v1/me"), 401, "unauthenticated");
    }
}
