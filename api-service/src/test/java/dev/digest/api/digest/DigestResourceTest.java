package dev.digest.api.digest;

import static dev.digest.api.support.Problems.assertInvalidField;
import static dev.digest.api.support.Problems.assertProblem;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.digest.api.support.Tenant;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class DigestResourceTest {

    @Test
    void aDigestIsCreatedWithItsNextRunInItsTimeZone() {
        Tenant tenant = Tenant.create();
        String template = tenant.emailTemplate();
        tenant.eventType("order.created");
        Map<String, Object> body = tenant.digestBody(template);
        body.put("eventTypes", List.of("order.created"));

        var created = tenant.request().body(body).post("/api/v1/digests")
                .then().statusCode(201)
                .header("Location", containsString("/api/v1/digests/"))
                .body("version", equalTo(0))
                .body("eventTypes", contains("order.created"))
                .body("recipients", contains("ops@example.com", "ceo@example.com"))
                .body("emptyWindow", equalTo("skip"))
                .body("missedRuns", equalTo("coalesce"))
                .extract();
        ZonedDateTime next = Instant.parse(created.path("nextRunAt")).atZone(ZoneId.of("Europe/Paris"));
        assertEquals(8, next.getHour());
        assertEquals(0, next.getMinute());
        assertTrue(next.toInstant().isAfter(Instant.now()));
        assertTrue(next.toInstant().isBefore(Instant.now().plusSeconds(25 * 3600)));
    }

    @Test
    void disablingADigestClearsItsNextRunAndEnablingRestoresIt() {
        Tenant tenant = Tenant.create();
        Map<String, Object> body = tenant.digestBody(tenant.emailTemplate());
        String id = tenant.request().body(body).post("/api/v1/digests").then().extract().path("id");

        body.put("enabled", false);
        tenant.request().header("If-Match", "\"0\"").body(body).put("/api/v1/digests/{id}", id)
                .then().statusCode(200).body("enabled", equalTo(false)).body("nextRunAt", nullValue());
        body.put("enabled", true);
        body.put("cron", "0 30 17 ? * MON-FRI");
        tenant.request().header("If-Match", "\"1\"").body(body).put("/api/v1/digests/{id}", id)
                .then().statusCode(200).body("nextRunAt", notNullValue()).body("cron", equalTo("0 30 17 ? * MON-FRI"));
    }

    @Test
    void everyDayOfMonthSpecialIsAcceptedAndScheduled() {
        Tenant tenant = Tenant.create();
        String template = tenant.emailTemplate();
        for (String cron : List.of("0 0 0 31W * ?", "0 0 0 31W 2-4 ?", "0 0 0 30W * ?", "0 15 10 1,L * ?",
                "0 15 10 2W,16 * ?", "0 0 0 1W,15,LW * ?", "0 0 0 L-5W * ?", "0 0 0 L-1W,L-1 * ?")) {
            Map<String, Object> body = tenant.digestBody(template);
            body.put("cron", cron);
            tenant.request().body(body).post("/api/v1/digests").then().statusCode(201)
                    .body("nextRunAt", notNullValue()).body("scheduleState", equalTo("scheduled"))
                    .body("scheduleError", nullValue());
        }
    }

    @Test
    void aCronFormThatCannotBeEvaluatedIsRefusedNamingTheConstruct() {
        Tenant tenant = Tenant.create();
        Map<String, Object> body = tenant.digestBody(tenant.emailTemplate());
        Map<String, String> cases = Map.of(
                "0 0 8 ? * 2#1,4", "day-of-week '2#1,4': '#' cannot be combined",
                "0 0 8 ? * MON-FRI/2", "a step after a name",
                "0 0 8 1-5W * ?", "'W' applies to a single day",
                "0 0 8 30 2 ?", "never fires",
                "0 0 8 1 1 ? 2020", "has no fire instant after now");
        cases.forEach((cron, construct) -> {
            body.put("cron", cron);
            assertInvalidField(tenant.request().body(body).post("/api/v1/digests"), "cron")
                    .body("violations.message", hasItem(containsString(construct)));
        });
    }

    @Test
    void eachInvalidFieldIsNamed() {
        Tenant tenant = Tenant.create();
        String template = tenant.emailTemplate();
        Map<String, Object[]> cases = Map.of(
                "cron", new Object[] {"cron", "every day at eight"},
                "timeZone", new Object[] {"timeZone", "Mars/Olympus"},
                "recipients[1]", new Object[] {"recipients", List.of("ok@example.com", "not-an-address")},
                "recipients", new Object[] {"recipients", List.of()},
                "name", new Object[] {"name", " "},
                "eventTypes", new Object[] {"eventTypes", List.of("never.defined")},
                "emailTemplateId", new Object[] {"emailTemplateId", "5f0c6b1e-0000-7000-8000-000000000000"});
        cases.forEach((field, change) -> {
            Map<String, Object> body = tenant.digestBody(template);
            body.put((String) change[0], change[1]);
            assertInvalidField(tenant.request().body(body).post("/api/v1/digests"), field);
        });
        assertInvalidField(tenant.request().body(Map.of("name", "x", "recipients", List.of("a@example.com")))
                .post("/api/v1/digests"), "cron").body("violations.field", hasItem("emailTemplateId"));
        tenant.request().get("/api/v1/digests").then().body("items", hasSize(0));
    }

    @Test
    void aRecipientListedTwiceOrTooManyRecipientsAreRefused() {
        Tenant tenant = Tenant.create();
        Map<String, Object> body = tenant.digestBody(tenant.emailTemplate());
        body.put("recipients", List.of("a@example.com", "A@example.com"));
        assertInvalidField(tenant.request().body(body).post("/api/v1/digests"), "recipients[1]");

        List<String> many = new ArrayList<>();
        for (int i = 0; i < 501; i++) {
            many.add("r" + i + "@example.com");
        }
        body.put("recipients", many);
        assertInvalidField(tenant.request().body(body).post("/api/v1/digests"), "recipients");
    }

    @Test
    void anotherTenantsEmailTemplateCannotBeUsed() {
        Tenant owner = Tenant.create();
        Tenant stranger = Tenant.create();
        String foreignTemplate = owner.emailTemplate();
        assertInvalidField(stranger.request().body(stranger.digestBody(foreignTemplate)).post("/api/v1/digests"),
                "emailTemplateId");
    }

    @Test
    void anotherTenantsDigestIsNotFound() {
        Tenant owner = Tenant.create();
        Tenant stranger = Tenant.create();
        String template = owner.emailTemplate();
        String id = owner.digest(template);
        assertProblem(stranger.request().get("/api/v1/digests/{id}", id), 404, "not-found");
        Map<String, Object> body = stranger.digestBody(stranger.emailTemplate());
        assertProblem(stranger.request().header("If-Match", "\"0\"").body(body).put("/api/v1/digests/{id}", id),
                404, "not-found");
        assertProblem(stranger.request().delete("/api/v1/digests/{id}", id), 404, "not-found");
        owner.request().get("/api/v1/digests/{id}", id).then().statusCode(200).body("name", equalTo("Daily orders"));
    }

    @Test
    void aStaleUpdateIsRefusedAndChangesNothing() {
        Tenant tenant = Tenant.create();
        Map<String, Object> body = tenant.digestBody(tenant.emailTemplate());
        String id = tenant.request().body(body).post("/api/v1/digests").then().extract().path("id");
        body.put("name", "First edit");
        body.put("version", 0);
        tenant.request().body(body).put("/api/v1/digests/{id}", id).then().statusCode(200).body("version", equalTo(1));

        body.put("name", "Lost edit");
        assertProblem(tenant.request().body(body).put("/api/v1/digests/{id}", id), 409, "version-conflict");
        tenant.request().get("/api/v1/digests/{id}", id).then().body("name", equalTo("First edit"));
    }

    @Test
    void listsAreFilteredByEnabledAndNamePrefixAndPaged() {
        Tenant tenant = Tenant.create();
        String template = tenant.emailTemplate();
        for (String name : List.of("Sales daily", "Sales weekly", "Support daily")) {
            Map<String, Object> body = tenant.digestBody(template);
            body.put("name", name);
            body.put("enabled", !name.equals("Sales weekly"));
            tenant.request().body(body).post("/api/v1/digests").then().statusCode(201);
        }
        tenant.request().queryParam("enabled", true).get("/api/v1/digests")
                .then().body("items.name", contains("Sales daily", "Support daily"));
        String cursor = tenant.request().queryParam("namePrefix", "Sales").queryParam("limit", 1).get("/api/v1/digests")
                .then().body("items.name", contains("Sales daily")).extract().path("nextCursor");
        tenant.request().queryParam("namePrefix", "Sales").queryParam("limit", 1).queryParam("cursor", cursor)
                .get("/api/v1/digests")
                .then().body("items.name", contains("Sales weekly")).body("nextCursor", nullValue());
        tenant.request().queryParam("namePrefix", "S%").get("/api/v1/digests").then().body("items", hasSize(0));
    }

    @Test
    void aDigestTakesWhatItLeavesOutFromItsTemplate() {
        Tenant tenant = Tenant.create();
        String template = tenant.emailTemplate();
        tenant.eventType("build.failed");
        String preset = tenant.request().body(Map.of("name", "CI preset", "eventTypes", List.of("build.failed"),
                        "cron", "0 0 9 ? * MON", "timeZone", "America/New_York", "emailTemplateId", template,
                        "emptyWindow", "send"))
                .post("/api/v1/digest-templates").then().statusCode(201).extract().path("id");

        tenant.request().body(Map.of("name", "CI weekly", "templateId", preset, "recipients", List.of("dev@example.com"),
                        "timeZone", "Europe/Berlin"))
                .post("/api/v1/digests")
                .then().statusCode(201)
                .body("cron", equalTo("0 0 9 ? * MON"))
                .body("timeZone", equalTo("Europe/Berlin"))
                .body("eventTypes", contains("build.failed"))
                .body("emailTemplateId", equalTo(template))
                .body("emptyWindow", equalTo("send"));

        assertInvalidField(tenant.request().body(Map.of("name", "x", "templateId", "5f0c6b1e-0000-7000-8000-000000000000",
                "recipients", List.of("dev@example.com"))).post("/api/v1/digests"), "templateId");
    }

    @Test
    void deletingADigestRemovesIt() {
        Tenant tenant = Tenant.create();
        String id = tenant.digest(tenant.emailTemplate());
        tenant.request().delete("/api/v1/digests/{id}", id).then().statusCode(204);
        assertProblem(tenant.request().get("/api/v1/digests/{id}", id), 404, "not-found");
    }
}
