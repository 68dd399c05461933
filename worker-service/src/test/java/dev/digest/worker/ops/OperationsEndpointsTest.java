package dev.digest.worker.ops;

import static io.restassured.RestAssured.get;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The worker's health and metrics endpoints, as an orchestrator and Prometheus see them. */
@QuarkusTest
class OperationsEndpointsTest {

    @Test
    void readinessFollowsTheSmtpServer() {
        get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'SMTP server' }.status", org.hamcrest.Matchers.is("DOWN"));

        GreenMail smtp = new GreenMail(ServerSetupTest.SMTP);
        smtp.start();
        try {
            get("/q/health/ready").then().statusCode(200)
                    .body("checks.name", hasItem("SMTP server"))
                    .body("checks.find { it.name == 'SMTP server' }.status", org.hamcrest.Matchers.is("UP"));
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
                .body(containsString("digest_jobs_in_flight"));
    }
}
