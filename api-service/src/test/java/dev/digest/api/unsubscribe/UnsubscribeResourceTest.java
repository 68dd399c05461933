package dev.digest.api.unsubscribe;

import static dev.digest.api.support.Problems.assertProblem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.digest.api.support.Tenant;
import dev.digest.common.content.UnsubscribeLinks;
import dev.digest.common.content.UnsubscribeTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class UnsubscribeResourceTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    UnsubscribeLinks links;

    @Inject
    Pool pool;

    private UnsubscribeTokens signer() {
        return links.tokens().await().atMost(WAIT);
    }

    private long unsubscribes(String digest) {
        return pool.preparedQuery("SELECT count(*) FROM digest_unsubscribes WHERE digest_id = $1")
                .execute(Tuple.of(UUID.fromString(digest))).await().atMost(WAIT).iterator().next().getLong(0);
    }

    private static String digest(Tenant tenant, String name) {
        Map<String, Object> body = tenant.digestBody(tenant.emailTemplate());
        body.put("name", name);
        return tenant.request().body(body).post("/api/v1/digests").then().statusCode(201).extract().path("id");
    }

    @Test
    void theLinkShowsAConfirmationPageThatChangesNothing() {
        Tenant tenant = Tenant.create();
        String digest = digest(tenant, "Orders <b>& co</b>");
        String token = signer().issue(UUID.fromString(digest), "Ops@Example.com");

        given().get("/unsubscribe/{token}", token).then().statusCode(200)
                .contentType(startsWith("text/html"))
                .header("Content-Security-Policy", containsString("default-src 'none'"))
                .header("X-Content-Type-Options", "nosniff")
                .header("X-Frame-Options", "DENY")
                .header("Referrer-Policy", "no-referrer")
                .header("Cache-Control", "no-store")
                .body(containsString("Orders &lt;b&gt;&amp; co&lt;/b&gt;"))
                .body(not(containsString("<b>& co")))
                .body(containsString("ops@example.com"))
                .body(containsString("<form method=\"post\">"));
        assertEquals(0, unsubscribes(digest), "a GET (or a mail scanner following the link) unsubscribes nobody");
    }

    @Test
    void oneClickPostUnsubscribesOnceAndThePreviewKnows() {
        Tenant tenant = Tenant.create();
        String digest = digest(tenant, "Orders");
        String token = signer().issue(UUID.fromString(digest), "ops@example.com");

        for (int i = 0; i < 2; i++) {
            given().contentType("application/x-www-form-urlencoded").formParam("List-Unsubscribe", "One-Click")
                    .post("/unsubscribe/{token}", token).then().statusCode(200)
                    .body(containsString("You are unsubscribed"));
        }

        assertEquals(1, unsubscribes(digest));
        given().get("/unsubscribe/{token}", token).then().statusCode(200).body(containsString("You are unsubscribed"));
        tenant.request().queryParam("recipient", "ops@example.com").get("/api/v1/digests/{id}/preview", digest)
                .then().statusCode(200).body("unsubscribed", equalTo(true));
        tenant.request().queryParam("recipient", "ceo@example.com").get("/api/v1/digests/{id}/preview", digest)
                .then().statusCode(200).body("unsubscribed", equalTo(false));
    }

    @Test
    void editedForeignAndStaleTokensChangeNothing() {
        Tenant tenant = Tenant.create();
        String digest = digest(tenant, "Orders");
        String token = signer().issue(UUID.fromString(digest), "ops@example.com");
        String otherDigest = signer().issue(UUID.fromString(digest(tenant, "Other")), "ops@example.com");
        String spliced = token.substring(0, token.indexOf('.')) + otherDigest.substring(otherDigest.indexOf('.'));
        String foreign = new UnsubscribeTokens("some-other-deployments-key-000000".getBytes())
                .issue(UUID.fromString(digest), "ops@example.com");

        for (String bad : new String[] {spliced, foreign, token + "A", "not-a-token", token.replace('.', '-')}) {
            assertProblem(given().post("/unsubscribe/{token}", bad), 400, "invalid-token");
            assertProblem(given().get("/unsubscribe/{token}", bad), 400, "invalid-token");
        }
        assertEquals(0, unsubscribes(digest));

        tenant.request().delete("/api/v1/digests/{id}", digest).then().statusCode(204);
        assertProblem(given().post("/unsubscribe/{token}", token), 404, "not-found");
    }

    @Test
    void aBrowserOpeningABadOrOutdatedLinkReadsAPageWhileApiClientsKeepTheProblem() {
        Tenant tenant = Tenant.create();
        String digest = digest(tenant, "Orders");
        String token = signer().issue(UUID.fromString(digest), "ops@example.com");
        String browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

        given().accept(browser).get("/unsubscribe/{token}", token + "A").then().statusCode(400)
                .contentType(startsWith("text/html"))
                .header("Content-Security-Policy", containsString("default-src 'none'"))
                .body(containsString("This unsubscribe link does not work"))
                .body(containsString("Nothing has been changed"));
        given().accept(browser).post("/unsubscribe/{token}", "not-a-token").then().statusCode(400)
                .contentType(startsWith("text/html"));
        assertProblem(given().accept("application/json").get("/unsubscribe/{token}", token + "A"), 400, "invalid-token");

        tenant.request().delete("/api/v1/digests/{id}", digest).then().statusCode(204);
        given().accept(browser).get("/unsubscribe/{token}", token).then().statusCode(404)
                .contentType(startsWith("text/html"))
                .body(containsString("This digest no longer exists"));
        assertEquals(0, unsubscribes(digest));
    }
}
