package dev.digest.api.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.digest.api.support.Tenant;
import dev.digest.common.content.UnsubscribeLinks;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SecuritySurfaceTest {

    @Inject
    UnsubscribeLinks links;

    /** Every log record, at every level, while the block runs, as the handler formats it. */
    private static List<String> logsDuring(Runnable block) {
        List<String> lines = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                // The test's own HTTP client logs the headers it sends; only the service's logs count.
                if (record.getLoggerName() != null && record.getLoggerName().startsWith("org.apache.http")) {
                    return;
                }
                String message = record.getMessage();
                if (record.getParameters() != null) {
                    for (Object parameter : record.getParameters()) {
                        message += " " + parameter;
                    }
                }
                if (record.getThrown() != null) {
                    message += " " + record.getThrown();
                }
                lines.add(message);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(Level.ALL);
        Logger root = Logger.getLogger("");
        Level before = root.getLevel();
        root.addHandler(capture);
        root.setLevel(Level.ALL);
        try {
            block.run();
        } finally {
            root.removeHandler(capture);
            root.setLevel(before);
        }
        return lines;
    }

    @Test
    void keysAndTokensNeverReachTheLogs() {
        List<String> secrets = new ArrayList<>();
        secrets.add(Tenant.adminKey());
        List<String> lines = logsDuring(() -> {
            Tenant tenant = Tenant.create();
            secrets.add(tenant.key());
            String digest = tenant.digest(tenant.emailTemplate());
            String token = links.tokens().await().indefinitely().issue(UUID.fromString(digest), "ops@example.com");
            secrets.add(token);
            String wrongKey = "dgk_" + "wrong".repeat(8);
            secrets.add(wrongKey);
            tenant.request().get("/api/v1/digests").then().statusCode(200);
            Tenant.as(wrongKey).get("/api/v1/digests").then().statusCode(401);
            given().post("/unsubscribe/{token}", token).then().statusCode(200);
            given().post("/unsubscribe/{token}", token + "x").then().statusCode(400);
            // A request that fails inside (a body the API cannot read) is logged; its key is not.
            tenant.request().body("{\"name\": ").post("/api/v1/digests").then().statusCode(400);
            tenant.request().body(Map.of("to", "me@example.com")).post("/api/v1/digests/{id}/test", digest)
                    .then().statusCode(202);
        });
        assertFalse(lines.isEmpty(), "the handler saw the application's logging");
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String secret : secrets) {
            assertFalse(metrics.contains(secret), "a secret is in a metric label");
        }
        for (String line : lines) {
            for (String secret : secrets) {
                assertFalse(line.contains(secret), "a secret was logged: " + line);
            }
        }
    }

    @Test
    void crossOriginRequestsAreNotAllowedByDefault() {
        given().header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization")
                .options("/api/v1/digests")
                .then().header("Access-Control-Allow-Origin", nullValue())
                .header("Access-Control-Allow-Credentials", nullValue());
        Tenant tenant = Tenant.create();
        tenant.request().header("Origin", "https://evil.example").get("/api/v1/digests")
                .then().statusCode(200).header("Access-Control-Allow-Origin", nullValue());
    }

    @Test
    void apiAnswersTellBrowsersNotToSniffOrFrame() {
        Tenant tenant = Tenant.create();
        String digest = tenant.digest(tenant.emailTemplate());
        String token = links.tokens().await().indefinitely().issue(UUID.fromString(digest), "ops@example.com");
        String csp = given().get("/unsubscribe/{token}", token).then().statusCode(200).extract().header("Content-Security-Policy");
        assertTrue(csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'"), csp);
    }
}
