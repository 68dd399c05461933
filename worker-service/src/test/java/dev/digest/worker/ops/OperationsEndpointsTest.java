package dev.digest.worker.ops;

import static io.restassured.RestAssured.get;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import com.icegreen.greenmail.util.GreenMail;
import dev.digest.worker.support.TestSmtp;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The worker's health and metrics endpoints, as an orchestrator and Prometheus see them. */
@QuarkusTest
class OperationsEndpointsTest {

    @Test
    void anSmtpOutageShowsInHealthWithoutMakingTheWorkerUnready() {
        get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'SMTP server' }.status", is("UP"))
                .body("checks.find { it.name == 'SMTP server' }.data.state", is("down"));
        get("/q/health/group/smtp").then().statusCode(503)
                .body("checks.find { it.name == 'SMTP server' }.data.error", notNullValue());

        GreenMail smtp = TestSmtp.server();
        smtp.start();
        try {
            // Jobs other classes left on the shared test stream may have failed to send meanwhile
            // and opened the circuit: up once its (test profile's one-second) pause is over.
            Awaitility.await("SMTP reported up").atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    get("/q/health/ready").then().statusCode(200)
                            .body("checks.name", hasItem("SMTP server"))
                            .body("checks.find { it.name == 'SMTP server' }.data.state", is("up"))
                            .body("checks.find { it.name == 'SMTP server' }.data.circuit", is("closed")));
            get("/q/health/group/smtp").then().statusCode(200);
        } finally {
            smtp.stop();
        }
    }

    @Test
    void livenessDoesNotDependOnSmtp() {
        get("/q/health/live").then().statusCode(200);
    }

    @Test
    void jobAndQueueMetricsArePublishedBeforeTheFirstJob() {
        get("/q/metrics").then().statusCode(200)
                .body(containsString("digest_jobs_processed_total{outcome=\"succeeded\""))
                .body(containsString("digest_jobs_duration_seconds_count"))
                .body(containsString("digest_jobs_reclaimed_total"))
                .body(containsString("digest_emails_total{status=\"sent\""))
                .body(containsString("digest_queue_length"))
                .body(containsString("digest_queue_pending"))
                .body(containsString("digest_queue_lag"))
                .body(containsString("digest_runs_waiting"))
                .body(containsString("digest_runs_overdue"))
                .body(containsString("digest_runs_lease_lapsed"))
                .body(containsString("digest_reconciler_actions_total{action=\"republished\""))
                .body(containsString("digest_smtp_circuit_open"))
                .body(containsString("digest_jobs_in_flight"));
    }
}
