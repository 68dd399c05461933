package dev.digest.api.operations;

import static dev.digest.api.support.Problems.assertProblem;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.digest.api.support.Tenant;
import dev.digest.common.job.JobQueueConfig;
import dev.digest.common.run.RunLedger;
import dev.digest.common.run.RunStatus;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code /api/v1/queue/dead-letters}: the admin's view of the jobs workers gave up on. */
@QuarkusTest
class DeadLettersTest {

    @Inject
    RedisDataSource redis;

    @Inject
    JobQueueConfig queue;

    @Inject
    RunLedger ledger;

    @Inject
    Pool pool;

    /** An entry as the worker's JobStream#deadLetter writes it: the job's fields, its original id and why. */
    private String deadLetter(Tenant tenant, String digest, String run, String reason) {
        Map<String, String> fields = new HashMap<>();
        fields.put("runId", run);
        fields.put("applicationId", tenant.applicationId());
        fields.put("digestId", digest);
        fields.put("attempt", "5");
        fields.put("originalId", System.currentTimeMillis() + "-0");
        fields.put("reason", reason);
        return redis.stream(String.class).xadd(queue.deadLetterStream(), fields);
    }

    /** A job no worker could read: it names no run. */
    private String malformedDeadLetter() {
        return redis.stream(String.class).xadd(queue.deadLetterStream(),
                Map.of("garbage", "yes", "originalId", "1-0", "reason", "not a job"));
    }

    private boolean onStream(String entry) {
        return !redis.stream(String.class).xrange(queue.deadLetterStream(), StreamRange.of(entry, entry))
                .isEmpty();
    }

    private String deadRun(Tenant tenant, String digest) {
        return new LedgerWorker(ledger, pool, "worker-dead").finishedRun(tenant, digest, RunStatus.DEAD);
    }

    @Test
    void entriesAreListedNewestFirstWithTheirRunsStatusAndPaged() {
        Tenant tenant = Tenant.create();
        String digest = tenant.digest(tenant.emailTemplate());
        String dead = deadRun(tenant, digest);
        String queued = tenant.request().post("/api/v1/digests/{id}/runs", digest).then().extract().path("id");
        String oldest = deadLetter(tenant, digest, dead, "gave up after 5 attempts");
        String middle = deadLetter(tenant, digest, queued, "delivered too often");
        String newest = malformedDeadLetter();

        String cursor = Tenant.asAdmin().queryParam("limit", 2).get("/api/v1/queue/dead-letters").then().statusCode(200)
                .body("items.id", contains(newest, middle))
                .body("items[0].runId", nullValue())
                .body("items[0].runStatus", nullValue())
                .body("items[0].reason", equalTo("not a job"))
                .body("items[1].runId", equalTo(queued))
                .body("items[1].runStatus", equalTo("queued"))
                .body("nextCursor", notNullValue())
                .extract().path("nextCursor");

        var page = Tenant.asAdmin().queryParam("limit", 2).queryParam("cursor", cursor).get("/api/v1/queue/dead-letters")
                .then().statusCode(200)
                .body("items[0].id", equalTo(oldest))
                .body("items[0].runId", equalTo(dead))
                .body("items[0].applicationId", equalTo(tenant.applicationId()))
                .body("items[0].digestId", equalTo(digest))
                .body("items[0].reason", equalTo("gave up after 5 attempts"))
                .body("items[0].originalId", notNullValue())
                .body("items[0].runStatus", equalTo("dead"))
                .extract();
        long millis = Long.parseLong(oldest.split("-")[0]);
        assertEquals(Instant.ofEpochMilli(millis), Instant.parse(page.path("items[0].deadAt")));
    }

    @Test
    void retryingAnEntryRequeuesItsRunAndRemovesTheEntry() {
        Tenant tenant = Tenant.create();
        String digest = tenant.digest(tenant.emailTemplate());
        String run = deadRun(tenant, digest);
        String entry = deadLetter(tenant, digest, run, "gave up after 5 attempts");

        Tenant.asAdmin().post("/api/v1/queue/dead-letters/{id}/retry", entry).then().statusCode(200)
                .body("id", equalTo(entry))
                .body("run.id", equalTo(run))
                .body("run.status", equalTo("queued"))
                .body("run.attempts", equalTo(0));
        assertEquals(false, onStream(entry), "the entry is gone");
        assertNotNull(new LedgerWorker(ledger, pool, "worker-dead").row(run).getString("stream_message_id"),
                "the run's job is on the stream again");
        tenant.request().get("/api/v1/runs/{id}", run).then().body("status", equalTo("queued"));
        Tenant.asAdmin().get("/api/v1/queue/dead-letters").then().body("items.id", not(hasItem(entry)));
        assertProblem(Tenant.asAdmin().post("/api/v1/queue/dead-letters/{id}/retry", entry), 404, "not-found");
    }

    @Test
    void anEntryWithoutARunCannotBeRetriedOnlyDiscarded() {
        String entry = malformedDeadLetter();
        assertProblem(Tenant.asAdmin().post("/api/v1/queue/dead-letters/{id}/retry", entry), 409, "conflict");
        assertEquals(true, onStream(entry));
        Tenant.asAdmin().delete("/api/v1/queue/dead-letters/{id}", entry).then().statusCode(204);
    }

    @Test
    void discardingRemovesTheEntryOnce() {
        Tenant tenant = Tenant.create();
        String digest = tenant.digest(tenant.emailTemplate());
        String run = deadRun(tenant, digest);
        String entry = deadLetter(tenant, digest, run, "gave up after 5 attempts");

        Tenant.asAdmin().delete("/api/v1/queue/dead-letters/{id}", entry).then().statusCode(204);
        assertEquals(false, onStream(entry));
        assertProblem(Tenant.asAdmin().delete("/api/v1/queue/dead-letters/{id}", entry), 404, "not-found");
        tenant.request().get("/api/v1/runs/{id}", run).then().body("status", equalTo("dead"));
    }

    @Test
    void aMalformedIdIsNotFound() {
        assertProblem(Tenant.asAdmin().delete("/api/v1/queue/dead-letters/{id}", "not-an-id"), 404, "not-found");
        assertProblem(Tenant.asAdmin().post("/api/v1/queue/dead-letters/{id}/retry", "1-2-3"), 404, "not-found");
    }

    @Test
    void applicationKeysMayNotTouchDeadLetters() {
        Tenant tenant = Tenant.create();
        String digest = tenant.digest(tenant.emailTemplate());
        String entry = deadLetter(tenant, digest, deadRun(tenant, digest), "gave up after 5 attempts");

        assertProblem(tenant.request().get("/api/v1/queue/dead-letters"), 403, "forbidden");
        assertProblem(tenant.request().post("/api/v1/queue/dead-letters/{id}/retry", entry), 403, "forbidden");
        assertProblem(tenant.request().delete("/api/v1/queue/dead-letters/{id}", entry), 403, "forbidden");
        assertEquals(true, onStream(entry), "the entry is still there");
    }
}
