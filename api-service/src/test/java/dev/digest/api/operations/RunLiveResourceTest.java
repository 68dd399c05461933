package dev.digest.api.operations;

import static dev.digest.api.support.Problems.assertInvalidField;
import static dev.digest.api.support.Problems.assertProblem;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.digest.api.support.Tenant;
import dev.digest.common.run.RunLedger;
import dev.digest.common.run.RunStatus;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code GET /api/v1/runs/live}: run state changes as Server-Sent Events, per tenant, with catch-up. */
@QuarkusTest
class RunLiveResourceTest {

    @TestHTTPResource("/api/v1/runs/live")
    URI live;

    @Inject
    RunLedger ledger;

    @Inject
    Pool pool;

    private static String runNow(Tenant tenant, String digest) {
        return tenant.request().post("/api/v1/digests/{id}/runs", digest).then().statusCode(202).extract().path("id");
    }

    @Test
    void aRunIsHeardWhenItIsQueuedAndWhenAWorkerClaimsIt() {
        Tenant tenant = Tenant.create();
        String digest = tenant.digest(tenant.emailTemplate());
        try (LiveRunStream stream = LiveRunStream.ready(live, tenant.key())) {
            String run = runNow(tenant, digest);
            LiveRunStream.Event queued = stream.await(event -> event.isRun(run, "queued"));
            assertEquals(digest, queued.json().getString("digestId"));
            assertEquals(tenant.applicationId(), queued.json().getString("applicationId"));
            assertTrue(Long.parseLong(queued.id()) > 0, "the event's id is its epoch milliseconds: " + queued.id());

            new LedgerWorker(ledger, pool, "worker-live").claim(run);
            stream.await(event -> event.isRun(run, "running"));
        }
    }

    @Test
    void cancellingAndRetryingInBulkAreHeardToo() {
        Tenant tenant = Tenant.create();
        String digest = tenant.digest(tenant.emailTemplate());
        String failed = new LedgerWorker(ledger, pool, "worker-live").finishedRun(tenant, digest, RunStatus.FAILED);
        String queued = runNow(tenant, digest);
        try (LiveRunStream stream = LiveRunStream.ready(live, tenant.key())) {
            tenant.request().post("/api/v1/runs/{id}/cancel", queued).then().statusCode(200);
            stream.await(event -> event.isRun(queued, "cancelled"));
            tenant.request().body(Map.of("digestId", digest)).post("/api/v1/runs/retry").then().statusCode(200);
            stream.await(event -> event.isRun(failed, "queued"));
        }
    }

    @Test
    void anApplicationKeyHearsOnlyItsOwnRunsAndTheAdminHearsAll() {
        Tenant own = Tenant.create();
        Tenant other = Tenant.create();
        String ownDigest = own.digest(own.emailTemplate());
        String othersDigest = other.digest(other.emailTemplate());
        try (LiveRunStream ownStream = LiveRunStream.ready(live, own.key());
                LiveRunStream adminStream = LiveRunStream.ready(live, Tenant.adminKey())) {
            String othersRun = runNow(other, othersDigest);
            String ownRun = runNow(own, ownDigest);

            // Changes are announced in order, so once the later one arrived the earlier one would have.
            ownStream.await(event -> event.isRun(ownRun, "queued"));
            assertTrue(ownStream.first(event -> event.concerns(othersRun)).isEmpty(), ownStream.events().toString());
            assertTrue(ownStream.events().stream().filter(event -> "run".equals(event.name()))
                    .allMatch(event -> own.applicationId().equals(event.json().getString("applicationId"))));
            adminStream.await(event -> event.isRun(othersRun, "queued"));
            adminStream.await(event -> event.isRun(ownRun, "queued"));
        }
    }

    @Test
    void reconnectingWithTheLastEventIdFirstCatchesUpOnWhatWasMissed() {
        Tenant tenant = Tenant.create();
        String digest = tenant.digest(tenant.emailTemplate());
        String lastSeen;
        try (LiveRunStream stream = LiveRunStream.ready(live, tenant.key())) {
            lastSeen = stream.first(event -> "ready".equals(event.name())).orElseThrow().id();
        }
        // While the console is away the run is requested and claimed.
        String run = runNow(tenant, digest);
        new LedgerWorker(ledger, pool, "worker-live").claim(run);

        try (LiveRunStream stream = LiveRunStream.open(live, tenant.key(), lastSeen)) {
            stream.await(event -> event.concerns(run));
            LiveRunStream.Event first = stream.events().get(0);
            assertTrue(first.isRun(run, "running"), "the catch-up comes first with the run as it is now: " + first);
            assertTrue(Long.parseLong(first.id()) > Long.parseLong(lastSeen), first.id() + " after " + lastSeen);
        }
    }

    @Test
    void theSinceParameterCatchesUpAsLastEventIdDoes() {
        Tenant tenant = Tenant.create();
        String digest = tenant.digest(tenant.emailTemplate());
        String since = Long.toString(System.currentTimeMillis() - 1000);
        String run = runNow(tenant, digest);
        tenant.request().post("/api/v1/runs/{id}/cancel", run).then().statusCode(200);

        try (LiveRunStream stream = LiveRunStream.open(URI.create(live + "?since=" + since), tenant.key(), null)) {
            stream.await(event -> event.concerns(run));
            assertTrue(stream.events().get(0).isRun(run, "cancelled"), stream.events().toString());
        }
    }

    @Test
    void withoutAKeyTheStreamIsRefused() {
        assertProblem(given().accept("text/event-stream").get(live), 401, "unauthenticated");
        Tenant tenant = Tenant.create();
        assertProblem(given().auth().oauth2(tenant.newKey("ingest")).accept("text/event-stream").get(live),
                403, "forbidden");
    }

    @Test
    void aLastEventIdThatIsNoInstantIsRefused() {
        Tenant tenant = Tenant.create();
        assertInvalidField(given().auth().oauth2(tenant.key()).header("Last-Event-ID", "yesterday")
                .accept("text/event-stream").get(live), "since");
    }
}
