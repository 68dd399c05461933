package dev.digest.worker.content;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.digest.common.job.JobQueueConfig;
import dev.digest.worker.support.RunFixture;
import dev.digest.worker.support.TestSmtp;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A template bomb among ordinary digests: the bomb's run fails (once, with the reason) while
 * the others are delivered on time and the worker stays live throughout.
 */
@QuarkusTest
class BoundedRenderingTest {

    private static final Duration ON_TIME = Duration.ofSeconds(20);
    private static final String BOMB = "{#for e in events}{#for a in e.payload.l}{#for b in e.payload.l}"
            + "{#for c in e.payload.l}x{/for}{/for}{/for}{/for}";
    // A real SMTP server for the whole class (GreenMail's own JUnit extension).
    @RegisterExtension
    static final GreenMailExtension smtp = new GreenMailExtension(TestSmtp.setup()).withPerMethodLifecycle(false);

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    JobQueueConfig queue;


    @Test
    void aBombRunFailsWhileTenNormalRunsSucceedOnTimeAndTheWorkerStaysLive() throws InterruptedException {
        RunFixture bomb = RunFixture.create(pool, redis, queue.stream(), 1).template("bomb", BOMB, "-")
                .eventType("order", "Orders", "{payload.n}");
        bomb.event("order", "{\"n\": 1, \"l\": " + Collections.nCopies(250, 7) + "}");
        List<RunFixture> normal = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            RunFixture fixture = RunFixture.create(pool, redis, queue.stream(), 1)
                    .template("{digest.name}", "<p>{eventCount}</p>", "{eventCount} events")
                    .eventType("order", "Orders", "{payload.n}");
            fixture.event("order", "{\"n\": " + i + ", \"l\": []}");
            normal.add(fixture);
        }

        UUID bombRun = bomb.queuedRun();
        List<UUID> runs = new ArrayList<>();
        bomb.publish(bombRun);
        for (RunFixture fixture : normal) {
            UUID run = fixture.queuedRun();
            fixture.publish(run);
            runs.add(run);
        }

        // Liveness is checked on every round.
        Awaitility.await("runs finished").atMost(ON_TIME).pollInterval(Duration.ofMillis(200)).until(() -> {
            given().get("/q/health/live").then().statusCode(200);
            return allDone(bomb, bombRun, normal, runs);
        });

        Row failed = bomb.run(bombRun);
        assertEquals("failed", failed.getString("status"));
        assertEquals(1, failed.getInteger("attempts"), "a limit is not retried");
        String error = failed.getString("error");
        assertTrue(error.contains("loops ran more than"), error);
        assertTrue(!error.contains("java.") && !error.contains("Exception"), error);
        given().get("/q/health/live").then().statusCode(200);
    }

    private static boolean allDone(RunFixture bomb, UUID bombRun, List<RunFixture> normal, List<UUID> runs) {
        for (int i = 0; i < runs.size(); i++) {
            if (!"succeeded".equals(normal.get(i).run(runs.get(i)).getString("status"))) {
                return false;
            }
        }
        String status = bomb.run(bombRun).getString("status");
        return !"queued".equals(status) && !"running".equals(status);
    }
}
