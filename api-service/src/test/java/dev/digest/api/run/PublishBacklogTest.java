package dev.digest.api.run;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.digest.api.support.Tenant;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * More runs waiting to be published than the replica allows: a run request is refused with 503
 * and Retry-After before anything is stored, rather than accepted and left waiting.
 */
@QuarkusTest
@TestProfile(PublishBacklogTest.NoBacklog.class)
class PublishBacklogTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** A backlog of zero: every request finds the publisher full. */
    public static class NoBacklog implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("digest.queue.publish-backlog", "0");
        }
    }

    @Inject
    Pool pool;

    @Test
    void aRunRequestFindingThePublisherFullIsRefusedAndStoresNothing() {
        Tenant tenant = Tenant.create();
        String digest = tenant.digest(tenant.emailTemplate());

        tenant.request().post("/api/v1/digests/{id}/runs", digest)
                .then().statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", equalTo("5"))
                .body("detail", containsString("try again shortly"));

        long runs = pool.preparedQuery("SELECT count(*) FROM digest_runs WHERE digest_id = $1")
                .execute(Tuple.of(UUID.fromString(digest))).await().atMost(WAIT).iterator().next().getLong(0);
        assertEquals(0, runs, "no run was created");
    }
}
