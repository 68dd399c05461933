package dev.digest.worker.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.digest.common.job.JobQueueConfig;
import dev.digest.worker.support.RunFixture;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The email log's moves against the real table, each test on a run of its own that no worker touches. */
@QuarkusTest
class EmailLogStoreTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Inject
    EmailLogStore logs;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    JobQueueConfig queue;

    private RunFixture fixture;
    private UUID run;
    private String to;

    @BeforeEach
    void queuedRun() {
        fixture = RunFixture.create(pool, redis, queue.stream(), 1);
        run = fixture.queuedRun();
        to = fixture.recipients().get(0);
    }

    private boolean begin() {
        return logs.begin(fixture.applicationId(), run, to, "Subject").await().atMost(TIMEOUT);
    }

    private Row log() {
        return pool.preparedQuery("SELECT * FROM digest_email_logs WHERE run_id = $1 AND recipient = $2")
                .execute(Tuple.of(run, to)).await().atMost(TIMEOUT).iterator().next();
    }

    @Test
    void aNewRecipientBeginsSendingAndIsThenSent() {
        assertTrue(begin());
        Row sending = log();
        assertEquals("sending", sending.getString("status"));
        assertEquals(1, sending.getInteger("attempts"));
        assertEquals("Subject", sending.getString("subject"));

        logs.sent(run, to, "<id@example.com>").await().atMost(TIMEOUT);

        Row sent = log();
        assertEquals("sent", sent.getString("status"));
        assertEquals("<id@example.com>", sent.getString("provider_message_id"));
        assertTrue(sent.getOffsetDateTime("sent_at") != null);
    }

    @Test
    void aSentRecipientIsNeverSentTwice() {
        assertTrue(begin());
        logs.sent(run, to, "<id@example.com>").await().atMost(TIMEOUT);

        assertFalse(begin());
        assertFalse(logs.skipped(fixture.applicationId(), run, to).await().atMost(TIMEOUT));
        logs.failed(run, to, "late failure").await().atMost(TIMEOUT);

        Row row = log();
        assertEquals("sent", row.getString("status"));
        assertEquals(1, row.getInteger("attempts"));
        assertNull(row.getString("error"));
    }

    @Test
    void aFailedRecipientIsTriedAgainByTheNextAttempt() {
        assertTrue(begin());
        logs.failed(run, to, "451 try later").await().atMost(TIMEOUT);
        assertEquals("failed", log().getString("status"));
        assertEquals("451 try later", log().getString("error"));

        assertTrue(begin());

        Row again = log();
        assertEquals("sending", again.getString("status"));
        assertEquals(2, again.getInteger("attempts"));
        assertNull(again.getString("error"));
    }

    @Test
    void aRecipientLeftSendingByADeadWorkerIsTakenAgain() {
        assertTrue(begin());

        assertTrue(begin());
        assertEquals(2, log().getInteger("attempts"));
    }

    @Test
    void aRefusedRecipientIsFailedForGood() {
        assertTrue(begin());
        logs.refused(run, to, "550 no such user").await().atMost(TIMEOUT);

        assertFalse(begin());

        Row row = log();
        assertEquals("failed", row.getString("status"));
        assertEquals("refused: 550 no such user", row.getString("error"));
        assertEquals(1, row.getInteger("attempts"));
    }

    @Test
    void anUnsubscribedRecipientIsSkippedOnceAndNeverSent() {
        assertTrue(logs.skipped(fixture.applicationId(), run, to).await().atMost(TIMEOUT));
        assertFalse(logs.skipped(fixture.applicationId(), run, to).await().atMost(TIMEOUT), "already skipped");
        assertFalse(begin());

        Row row = log();
        assertEquals("skipped", row.getString("status"));
        assertEquals("unsubscribed", row.getString("error"));
        assertEquals(0, row.getInteger("attempts"));
    }

    @Test
    void aRecipientThatFailedEarlierAndHasSinceUnsubscribedIsSkipped() {
        assertTrue(begin());
        logs.failed(run, to, "451 try later").await().atMost(TIMEOUT);

        assertTrue(logs.skipped(fixture.applicationId(), run, to).await().atMost(TIMEOUT));
        assertEquals("skipped", log().getString("status"));
    }
}
