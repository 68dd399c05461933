package dev.digest.api.apikey;

import static dev.digest.api.support.Problems.assertInvalidField;
import static dev.digest.api.support.Problems.assertProblem;
import static dev.digest.api.support.Tenant.asAdmin;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.digest.api.support.Tenant;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ApiKeyResourceTest {

    @Test
    void theSecretIsShownOnceAndOnlyItsHashIsStored() {
        Tenant tenant = Tenant.create();
        JsonPath created = asAdmin().body(Map.of("name", "CI", "scopes", List.of("read")))
                .post("/api/v1/applications/{app}/api-keys", tenant.applicationId())
                .then().statusCode(201)
                .body("key", startsWith("dgk_"))
                .body("scopes", contains("read"))
                .body("revoked", equalTo(false))
                .extract().jsonPath();
        String key = created.getString("key");
        assertTrue(key.length() >= 40, "at least 256 bits of base64url after the prefix");
        assertTrue(key.startsWith(created.getString("prefix")));

        asAdmin().get("/api/v1/applications/{app}/api-keys/{id}", tenant.applicationId(), created.getString("id"))
                .then().statusCode(200).body("$", not(hasKey("key"))).body("prefix", equalTo(created.getString("prefix")));
        asAdmin().get("/api/v1/applications/{app}/api-keys", tenant.applicationId())
                .then().statusCode(200).body("items", not(org.hamcrest.Matchers.hasItem(hasKey("key"))));

        Tenant.as(key).get("/api/v1/digests").then().statusCode(200);
        asAdmin().get("/api/v1/applications/{app}/api-keys/{id}", tenant.applicationId(), created.getString("id"))
                .then().body("lastUsedAt", notNullValue());
    }

    @Test
    void aRevokedKeyIsRefused() {
        Tenant tenant = Tenant.create();
        JsonPath created = asAdmin().body(Map.of("name", "old", "scopes", List.of("read")))
                .post("/api/v1/applications/{app}/api-keys", tenant.applicationId()).then().statusCode(201)
                .extract().jsonPath();
        Tenant.as(created.getString("key")).get("/api/v1/event-types").then().statusCode(200);

        asAdmin().delete("/api/v1/applications/{app}/api-keys/{id}", tenant.applicationId(), created.getString("id"))
                .then().statusCode(204);

        assertProblem(Tenant.as(created.getString("key")).get("/api/v1/event-types"), 401, "unauthenticated");
        asAdmin().get("/api/v1/applications/{app}/api-keys/{id}", tenant.applicationId(), created.getString("id"))
                .then().body("revoked", equalTo(true)).body("revokedAt", notNullValue());
    }

    @Test
    void scopesLimitWhatAKeyMayDo() {
        Tenant tenant = Tenant.create();
        String readOnly = tenant.newKey("read");
        String ingestOnly = tenant.newKey("ingest");

        Tenant.as(readOnly).get("/api/v1/email-templates").then().statusCode(200);
        assertProblem(Tenant.as(readOnly).body(Map.of("key", "a.b", "name", "n")).post("/api/v1/event-types"),
                403, "forbidden");
        assertProblem(Tenant.as(ingestOnly).get("/api/v1/email-templates"), 403, "forbidden");
        // The admin key reads every application's digests and runs (the operations console),
        // but changes no application's content.
        Tenant.as(Tenant.adminKey()).get("/api/v1/digests").then().statusCode(200);
        assertProblem(Tenant.as(Tenant.adminKey()).get("/api/v1/email-templates"), 403, "forbidden");
        assertProblem(Tenant.as(Tenant.adminKey()).body(Map.of("key", "a.b", "name", "n")).post("/api/v1/event-types"),
                403, "forbidden");
    }

    @Test
    void keysAreRenamedWithAVersionAndScopesAreValidated() {
        Tenant tenant = Tenant.create();
        String id = asAdmin().body(Map.of("name", "one", "scopes", List.of("read")))
                .post("/api/v1/applications/{app}/api-keys", tenant.applicationId()).then().statusCode(201)
                .extract().path("id");
        asAdmin().header("If-Match", "\"0\"").body(Map.of("name", "two", "scopes", List.of("read", "write")))
                .put("/api/v1/applications/{app}/api-keys/{id}", tenant.applicationId(), id)
                .then().statusCode(200).body("name", equalTo("two")).body("scopes", contains("read", "write"));
        assertProblem(asAdmin().header("If-Match", "\"0\"").body(Map.of("name", "three", "scopes", List.of("read")))
                .put("/api/v1/applications/{app}/api-keys/{id}", tenant.applicationId(), id), 412, "precondition-failed");

        assertInvalidField(asAdmin().body(Map.of("name", "bad", "scopes", List.of("root")))
                .post("/api/v1/applications/{app}/api-keys", tenant.applicationId()), "scopes[0]");
        assertInvalidField(asAdmin().body(Map.of("name", "none", "scopes", List.of()))
                .post("/api/v1/applications/{app}/api-keys", tenant.applicationId()), "scopes");
    }

    @Test
    void aKeyOfAnotherApplicationIsNotFound() {
        Tenant one = Tenant.create();
        Tenant other = Tenant.create();
        String id = asAdmin().body(Map.of("name", "k", "scopes", List.of("read")))
                .post("/api/v1/applications/{app}/api-keys", one.applicationId()).then().extract().path("id");

        assertProblem(asAdmin().get("/api/v1/applications/{app}/api-keys/{id}", other.applicationId(), id), 404, "not-found");
        assertProblem(asAdmin().delete("/api/v1/applications/{app}/api-keys/{id}", other.applicationId(), id), 404, "not-found");
        assertProblem(asAdmin().body(Map.of("name", "k", "scopes", List.of("read")))
                .post("/api/v1/applications/{app}/api-keys", UUID.randomUUID()), 404, "not-found");
    }
}
