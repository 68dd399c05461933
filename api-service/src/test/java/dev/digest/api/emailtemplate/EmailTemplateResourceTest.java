package dev.digest.api.emailtemplate;

import static dev.digest.api.support.Problems.assertInvalidField;
import static dev.digest.api.support.Problems.assertProblem;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.digest.api.support.Tenant;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class EmailTemplateResourceTest {

    private static Map<String, Object> body(String name) {
        return Map.of("name", name, "subject", "{digest.name}: {eventCount} events",
                "html", "<h1>{digest.name}</h1>{#for group in groups}<p>{group.type}</p>{/for}",
                "text", "{digest.name}");
    }

    @Test
    void everyChangeIncreasesTheVersionAndAnIdenticalSaveDoesNot() {
        Tenant tenant = Tenant.create();
        String id = tenant.request().body(body("weekly")).post("/api/v1/email-templates")
                .then().statusCode(201).body("version", equalTo(0)).extract().path("id");

        Map<String, Object> changed = new java.util.HashMap<>(body("weekly"));
        changed.put("subject", "Weekly: {eventCount}");
        tenant.request().header("If-Match", "\"0\"").body(changed).put("/api/v1/email-templates/{id}", id)
                .then().statusCode(200).body("version", equalTo(1)).body("subject", equalTo("Weekly: {eventCount}"));
        tenant.request().header("If-Match", "\"1\"").body(changed).put("/api/v1/email-templates/{id}", id)
                .then().statusCode(200).body("version", equalTo(1));
        changed.put("text", "Weekly digest");
        tenant.request().header("If-Match", "\"1\"").body(changed).put("/api/v1/email-templates/{id}", id)
                .then().statusCode(200).body("version", equalTo(2));
        tenant.request().get("/api/v1/email-templates/{id}", id).then().header("ETag", "\"2\"");
    }

    @Test
    void eachPartThatDoesNotParseIsNamed() {
        Tenant tenant = Tenant.create();
        assertProblem(tenant.request().body(Map.of("name", "broken", "subject", "{#if x}", "html", "<p>{/for}</p>",
                "text", "ok")).post("/api/v1/email-templates"), 422, "validation")
                .body("violations.field", containsInAnyOrder("subject", "html"));
        assertInvalidField(tenant.request().body(Map.of("name", "nosubject", "html", "", "text", ""))
                .post("/api/v1/email-templates"), "subject");
    }

    @Test
    void templatesReachingOutsideTheirDataAreRefusedWhenSaved() {
        Tenant tenant = Tenant.create();
        assertProblem(tenant.request().body(Map.of("name", "outside",
                        "subject", "{config:quarkus.datasource.password}",
                        "html", "<p>{#include base /}</p>",
                        "text", "line 1\n{#if true}{inject:pool}{/if}")).post("/api/v1/email-templates"), 422, "validation")
                .body("violations.field", containsInAnyOrder("subject", "html", "text"))
                .body("violations.find { it.field == 'subject' }.message", containsString("namespace 'config:'"))
                .body("violations.find { it.field == 'text' }.message", containsString("line 2"));
        assertInvalidField(tenant.request().body(Map.of("key", "loop", "name", "Loop",
                "lineTemplate", "{#for i in 100000000}x{/for}")).post("/api/v1/event-types"), "lineTemplate");
    }

    @Test
    void aTemplateUsedByADigestCannotBeDeletedButAnUnusedOneCan() {
        Tenant tenant = Tenant.create();
        String used = tenant.emailTemplate();
        tenant.digest(used);
        assertProblem(tenant.request().delete("/api/v1/email-templates/{id}", used), 409, "conflict");

        String unused = tenant.emailTemplate();
        tenant.request().delete("/api/v1/email-templates/{id}", unused).then().statusCode(204);
    }

    @Test
    void namesAreUniquePerApplicationAndOtherTenantsSeeNothing() {
        Tenant owner = Tenant.create();
        Tenant stranger = Tenant.create();
        String id = owner.request().body(body("shared-name")).post("/api/v1/email-templates").then().extract().path("id");
        assertProblem(owner.request().body(body("shared-name")).post("/api/v1/email-templates"), 409, "conflict");
        stranger.request().body(body("shared-name")).post("/api/v1/email-templates").then().statusCode(201);

        assertProblem(stranger.request().get("/api/v1/email-templates/{id}", id), 404, "not-found");
        assertProblem(stranger.request().delete("/api/v1/email-templates/{id}", id), 404, "not-found");
        owner.request().get("/api/v1/email-templates/{id}", id).then().statusCode(200);
    }
}
