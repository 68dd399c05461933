package dev.digest.worker.mail;

import static io.restassured.RestAssured.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import dev.digest.common.job.JobQueueConfig;
import dev.digest.worker.support.RunFixture;
import dev.digest.worker.support.TestSmtp;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** SMTP down: sending pauses (the circuit opens), health says so, and everything goes out once it is back. */
@QuarkusTest
@TestProfile(SmtpCircuitTest.QuickCircuit.class)
class SmtpCircuitTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** A circuit that opens after four sends and tries again after two seconds. */
    public static class QuickCircuit implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String circuit = "quarkus.fault-tolerance.\"dev.digest.worker.mail.DigestMailer/send\".circuit-breaker.";
            // Runs keep trying for as long as the outage lasts here, as in production (retry-for
            // PT1H): the other test settings give up after three attempts, which a circuit that
            // half-opens every two seconds (and runs other tests left behind) can use up.
            return Map.of(circuit + "request-volume-threshold", "4", circuit + "delay", "2000",
                    "digest.worker.retry-for", "PT2M");
        }
    }

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    JobQueueConfig queue;

    @Inject
    SmtpCircuit circuit;

    @Test
    void anSmtpOutageOpensTheCircuitAndNoRunDiesOfIt() throws Exception {
        RunFixture fixture = RunFixture.create(pool, redis, queue.stream(), 2);
        List<UUID> runs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            UUID run = fixture.queuedRun();
            fixture.publish(run);
            runs.add(run);
        }

        Awaitility.await().atMost(TIMEOUT).until(circuit::open);
        get("/q/health/group/smtp").then().statusCode(503);
        get("/q/health/ready").then().statusCode(200);
        assertTrue(circuit.failureRatio() > 0);

        GreenMail smtp = TestSmtp.server();
        smtp.start();
        try {
            for (UUID run : runs) {
                assertEquals("succeeded", fixture.awaitStatus(run, TIMEOUT, "succeeded", "dead").getString("status"));
            }
            // Only this test's recipients: a run another class left behind may be sent here too.
            long ours = Arrays.stream(smtp.getReceivedMessages()).filter(message -> {
                try {
                    return fixture.recipients().contains(message.getAllRecipients()[0].toString());
                } catch (jakarta.mail.MessagingException e) {
                    throw new IllegalStateException(e);
                }
            }).count();
            assertEquals(8, ours, "each of the 4 runs' 2 recipients once");
            Awaitility.await().atMost(TIMEOUT).until(() -> !circuit.open());
            get("/q/health/group/smtp").then().statusCode(200);
        } finally {
            smtp.stop();
        }
    }
}
