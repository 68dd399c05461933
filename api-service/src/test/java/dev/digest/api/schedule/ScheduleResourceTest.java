package dev.digest.api.schedule;

import static dev.digest.api.support.Problems.assertInvalidField;
import static dev.digest.api.support.Problems.assertProblem;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.digest.api.support.Tenant;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ScheduleResourceTest {

    @Test
    void listsTheNextInstantsInUtcAndInTheDigestsZone() {
        Tenant tenant = Tenant.create();
        Map<String, Object> body = tenant.digestBody(tenant.emailTemplate());
        body.put("cron", "0 0 9 * * ?");
        body.put("timeZone", "Asia/Kolkata");
        String digest = tenant.request().body(body).post("/api/v1/digests").then().statusCode(201).extract().path("id");

        var response = tenant.request().get("/api/v1/digests/{id}/schedule?count=3", digest).then().statusCode(200)
                .body("cron", equalTo("0 0 9 * * ?"))
                .body("timeZone", equalTo("Asia/Kolkata"))
                .body("enabled", equalTo(true))
                .body("instants", hasSize(3))
                .extract();
        List<String> utc = response.path("instants.at");
        List<String> local = response.path("instants.local");
        String nextRunAt = response.path("nextRunAt");
        assertEquals(Instant.parse(nextRunAt), Instant.parse(utc.get(0)), "the first is the stored next run");
        for (int i = 0; i < 3; i++) {
            assertTrue(utc.get(i).endsWith("T03:30:00Z"), utc.get(i));
            assertTrue(local.get(i).endsWith("T09:00:00+05:30"), local.get(i));
            assertEquals(Instant.parse(utc.get(i)), OffsetDateTime.parse(local.get(i)).toInstant());
            if (i > 0) {
                assertEquals(Duration.ofDays(1), Duration.between(Instant.parse(utc.get(i - 1)), Instant.parse(utc.get(i))));
            }
        }
        tenant.request().get("/api/v1/digests/{id}/schedule", digest).then().statusCode(200).body("instants", hasSize(10));
    }

    @Test
    void nearestWeekdayToADaySomeMonthsLackSkipsThoseMonths() {
        Tenant tenant = Tenant.create();
        Map<String, Object> body = tenant.digestBody(tenant.emailTemplate());
        body.put("cron", "0 0 0 31W * ?");
        body.put("timeZone", "UTC");
        String digest = tenant.request().body(body).post("/api/v1/digests").then().statusCode(201).extract().path("id");

        List<String> utc = tenant.request().get("/api/v1/digests/{id}/schedule?count=12", digest).then()
                .statusCode(200).body("scheduleState", equalTo("scheduled")).extract().path("instants.at");
        assertEquals(12, utc.size());
        for (String at : utc) {
            java.time.LocalDate date = Instant.parse(at).atZone(java.time.ZoneOffset.UTC).toLocalDate();
            assertTrue(date.getDayOfWeek().getValue() <= 5, at + " is a weekday");
            assertTrue(date.getDayOfMonth() >= 29 && date.lengthOfMonth() == 31, at + " is near the 31st of a long month");
        }
    }

    @Test
    void countIsBounded() {
        Tenant tenant = Tenant.create();
        String digest = tenant.digest(tenant.emailTemplate());
        assertInvalidField(tenant.request().get("/api/v1/digests/{id}/schedule?count=101", digest), "count");
        assertInvalidField(tenant.request().get("/api/v1/digests/{id}/schedule?count=0", digest), "count");
        tenant.request().get("/api/v1/digests/{id}/schedule?count=100", digest).then().statusCode(200)
                .body("instants", hasSize(100));
    }

    @Test
    void aNonNumericCountIsAClientError() {
        Tenant tenant = Tenant.create();
        String digest = tenant.digest(tenant.emailTemplate());
        assertInvalidField(tenant.request().get("/api/v1/digests/{id}/schedule?count=many", digest), "count");
    }

    @Test
    void anotherTenantsDigestHasNoSchedule() {
        Tenant owner = Tenant.create();
        String digest = owner.digest(owner.emailTemplate());
        assertProblem(Tenant.create().request().get("/api/v1/digests/{id}/schedule", digest), 404, "not-found");
    }
}
