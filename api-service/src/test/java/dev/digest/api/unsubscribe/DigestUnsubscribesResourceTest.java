package dev.digest.api.unsubscribe;

import static dev.digest.api.support.Problems.assertProblem;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import dev.digest.api.support.Tenant;
import dev.digest.common.content.UnsubscribeLinks;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class DigestUnsubscribesResourceTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    UnsubscribeLinks links;

    private String digestWithUnsubscribes(Tenant tenant, String... addresses) {
        Map<String, Object> body = tenant.digestBody(tenant.emailTemplate());
        body.put("recipients", List.of(addresses));
        String digest = tenant.request().body(body).post("/api/v1/digests").then().statusCode(201).extract().path("id");
        for (String address : addresses) {
            String token = links.tokens().await().atMost(WAIT).issue(UUID.fromString(digest), address);
            RestAssured.given().post("/unsubscribe/{token}", token).then().statusCode(200);
        }
        return digest;
    }

    @Test
    void unsubscribedAddressesAreListedPageByPage() {
        Tenant tenant = Tenant.create();
        String digest = digestWithUnsubscribes(tenant, "c@example.com", "a@example.com", "b@example.com");

        String cursor = tenant.request().queryParam("limit", 2).get("/api/v1/digests/{id}/unsubscribes", digest)
                .then().statusCode(200)
                .body("items.recipient", contains("a@example.com", "b@example.com"))
                .body("items[0].createdAt", notNullValue())
                .body("nextCursor", notNullValue())
                .extract().path("nextCursor");
        tenant.request().queryParam("limit", 2).queryParam("cursor", cursor).get("/api/v1/digests/{id}/unsubscribes", digest)
                .then().statusCode(200)
                .body("items.recipient", contains("c@example.com"))
                .body("nextCursor", nullValue());
    }

    @Test
    void aWriteKeyResubscribesAnAddressAndThePreviewSendsToItAgain() {
        Tenant tenant = Tenant.create();
        String digest = digestWithUnsubscribes(tenant, "ops@example.com");
        String readOnly = tenant.newKey("read");

        assertProblem(Tenant.as(readOnly).delete("/api/v1/digests/{id}/unsubscribes/{r}", digest, "ops@example.com"), 403, "forbidden");
        tenant.request().delete("/api/v1/digests/{id}/unsubscribes/{r}", digest, "Ops@Example.com").then().statusCode(204);

        tenant.request().get("/api/v1/digests/{id}/unsubscribes", digest).then().statusCode(200).body("items.size()", equalTo(0));
        tenant.request().queryParam("recipient", "ops@example.com").get("/api/v1/digests/{id}/preview", digest)
                .then().statusCode(200).body("unsubscribed", equalTo(false));
        assertProblem(tenant.request().delete("/api/v1/digests/{id}/unsubscribes/{r}", digest, "ops@example.com"), 404, "not-found");
    }

    @Test
    void anotherApplicationsDigestIsNotFound() {
        Tenant owner = Tenant.create();
        String digest = digestWithUnsubscribes(owner, "ops@example.com");
        Tenant other = Tenant.create();

        assertProblem(other.request().get("/api/v1/digests/{id}/unsubscribes", digest), 404, "not-found");
        assertProblem(other.request().delete("/api/v1/digests/{id}/unsubscribes/{r}", digest, "ops@example.com"), 404, "not-found");
        owner.request().get("/api/v1/digests/{id}/unsubscribes", digest).then().statusCode(200).body("items.size()", equalTo(1));
    }
}
