package dev.digest.api.security;

import static dev.digest.api.support.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.digest.api.support.Tenant;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(BodyLimitTest.SmallBodies.class)
class BodyLimitTest {

    public static class SmallBodies implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.limits.max-body-size", "64K");
        }
    }

    @Inject
    Pool pool;

    @Test
    void aBodyOverTheLimitIsRefusedBeforeItIsReadAsAProblem() {
        Tenant tenant = Tenant.create();
        tenant.eventType("big");
        String body = "{\"type\": \"big\", \"payload\": {\"x\": \"" + "b".repeat(100_000) + "\"}}";

        assertProblem(tenant.request().body(body).post("/api/v1/events"), 413, "payload-too-large");
        tenant.request().body("{\"type\": \"big\", \"payload\": {\"x\": 1}}").post("/api/v1/events").then().statusCode(201);

        long stored = pool.preparedQuery("SELECT count(*) FROM digest_webhook_events WHERE application_id = $1")
                .execute(Tuple.of(UUID.fromString(tenant.applicationId()))).await().indefinitely().iterator().next().getLong(0);
        assertEquals(1, stored);
    }

    @Test
    void aTransferEncodingOtherThanChunkedIsRefused() throws Exception {
        Tenant tenant = Tenant.create();
        String body = "{\"type\": \"x\", \"payload\": {}}";
        try (java.net.Socket socket = new java.net.Socket("localhost", io.restassured.RestAssured.port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /api/v1/events HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + tenant.key() + "\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: gzip\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 400", answer);
        }
    }
}
