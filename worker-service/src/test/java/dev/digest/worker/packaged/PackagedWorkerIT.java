package dev.digest.worker.packaged;

import static io.restassured.RestAssured.get;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.digest.common.Uuid7;
import dev.digest.common.job.JobMessage;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import jakarta.mail.internet.MimeMessage;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The packaged worker as it ships (the runner jar here; the native executable under
 * {@code -Dnative}): it consumes a job from the stream, sends the digest over SMTP and records
 * the run; its health and metrics endpoints answer.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = PackagedWorkerResources.class, restrictToAnnotatedClass = true)
class PackagedWorkerIT {

    private static Connection database() throws SQLException {
        Map<String, String> settings = PackagedWorkerResources.database;
        return DriverManager.getConnection(settings.get("quarkus.datasource.jdbc.url"),
                settings.getOrDefault("quarkus.datasource.username", "postgres"),
                settings.getOrDefault("quarkus.datasource.password", ""));
    }

    private static void execute(Connection db, String sql, Object... arguments) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < arguments.length; i++) {
                statement.setObject(i + 1, arguments[i]);
            }
            statement.execute();
        }
    }

    private static String status(Connection db, UUID run) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement("SELECT status FROM digest_runs WHERE id = ?")) {
            statement.setObject(1, run);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }

    @Test
    void aJobOnTheStreamIsSentAndRecorded() throws Exception {
        UUID application = Uuid7.next();
        UUID template = Uuid7.next();
        UUID digest = Uuid7.next();
        UUID run = Uuid7.next();
        String recipient = "ops-" + application.toString().substring(24) + "@example.com";
        try (Connection db = database()) {
            execute(db, "INSERT INTO digest_applications (id, name, slug) VALUES (?, 'packaged', ?)", application,
                    "p-" + application.toString().substring(24));
            execute(db, "INSERT INTO digest_email_templates (id, application_id, name, subject, html_body, text_body)"
                    + " VALUES (?, ?, 'tpl', 'Digest {digest.name}', '<p>{eventCount}</p>', '{eventCount}')",
                    template, application);
            execute(db, "INSERT INTO digest_digests (id, application_id, name, cron, time_zone, recipients,"
                    + " email_template_id, empty_window) VALUES (?, ?, 'Packaged', '0 0 8 * * ?', 'UTC', ?, ?, 'send')",
                    digest, application, db.createArrayOf("text", new String[] {recipient}), template);
            execute(db, "INSERT INTO digest_runs (id, application_id, digest_id, trigger, status, available_at)"
                    + " VALUES (?, ?, ?, 'manual', 'queued', now() + interval '1 hour')", run, application, digest);

            Vertx vertx = Vertx.vertx();
            try {
                Redis redis = Redis.createClient(vertx, PackagedWorkerResources.REDIS_URI);
                Request xadd = Request.cmd(Command.XADD).arg(PackagedWorkerResources.STREAM).arg("*");
                new JobMessage(run, application, digest, 1, null).toFields()
                        .forEach((name, value) -> xadd.arg(name).arg(value));
                redis.send(xadd).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                redis.close();
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }

            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> "succeeded".equals(status(db, run)));
        }
        List<MimeMessage> received = Arrays.stream(PackagedWorkerResources.smtp.getReceivedMessages())
                .filter(message -> {
                    try {
                        return message.getAllRecipients()[0].toString().equals(recipient);
                    } catch (jakarta.mail.MessagingException e) {
                        throw new IllegalStateException(e);
                    }
                }).toList();
        assertEquals(1, received.size());
        assertEquals("Digest Packaged", received.get(0).getSubject());
    }

    @Test
    void healthAndMetricsAnswer() {
        get("/q/health/live").then().statusCode(200);
        get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItem("PostgreSQL")).body("checks.name", hasItem("SMTP server"));
        get("/q/metrics").then().statusCode(200);
    }
}
