package dev.digest.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The operations console in a real browser (Debian's Chromium) against the packaged api and a
 * worker: signing in, runs turning up and finishing live, retrying a dead run, pausing an
 * application, what a read-only key and another tenant see. It saves screenshots of the pages
 * (see {@link Browser#screenshot}), which the README shows.
 *
 * <p>Own database ({@code digest_console_<checkout id>}), Redis database 14 (11 to 13 belong to the backup test and the
 * container smoke test), stream and group.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {

    private static final int REDIS_DB = 14;
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);
    private static final String HTML = """
            <div style="font-family: Georgia, serif; max-width: 36rem; margin: 0 auto; color: #222">
            <h1 style="color: #0b5cad; font-size: 1.4rem">{digest.name}</h1>
            <p>{eventCount} events since {window.start}</p>
            {#for g in groups}<h2 style="font-size: 1.1rem">{g.name} ({g.count})</h2><ul>{#for e in g.events}<li>{e.line}</li>{/for}</ul>{#if g.more > 0}<p>and {g.more} more</p>{/if}{/for}
            <p style="font-size: .8rem; color: #666"><a href="{unsubscribeUrl}">Unsubscribe</a></p></div>""";
    private static final String TEXT = "{eventCount} events\n{#for g in groups}{g.name}: {g.count}\n{/for}";

    private ScriptedSmtp smtp;
    private Stack stack;
    private Browser browser;
    private Api admin;

    @BeforeAll
    void start() throws Exception {
        if (!Browser.installed()) {
            return; // each test is skipped, saying why (see below)
        }
        smtp = new ScriptedSmtp();
        stack = Stack.local("console", REDIS_DB, smtp.port())
                // A browser loads pages and calls the API far faster than a person clicks.
                .apiSetting("DIGEST_RATE_LIMIT_OPEN", "100000")
                .apiSetting("DIGEST_RATE_LIMIT_ADMIN", "100000")
                .apiSetting("DIGEST_SCHEDULE_TICK", "1s")
                // A refused send kills a run after two attempts a second apart.
                .workerSetting("DIGEST_WORKER_MAX_ATTEMPTS", "2")
                .workerSetting("DIGEST_WORKER_BACKOFF_INITIAL", "PT1S")
                .workerSetting("DIGEST_WORKER_BACKOFF_MAX", "PT2S")
                .workerSetting("DIGEST_WORKER_RETRY_FOR", "PT0S")
                .workerSetting("QUARKUS_FAULT_TOLERANCE__DEV_DIGEST_WORKER_MAIL_DIGESTMAILER_SEND__CIRCUIT_BREAKER_DELAY", "1000");
        stack.startApi();
        stack.startWorker("console-worker").awaitReady(Duration.ofSeconds(90));
        admin = new Api(stack.api()::uri, Stack.ADMIN_KEY);
        browser = new Browser(stack.api());
    }

    /** Skipped, each test saying why, on a machine without the browser (reported per test, unlike a skipped class). */
    @BeforeEach
    void browserInstalled() {
        assumeTrue(Browser.installed(), "Chromium and chromedriver are not installed (/usr/bin/chromium, "
                + "/usr/bin/chromedriver): apt-get install -y chromium chromium-driver to run the console's browser tests");
    }

    /** A failing test leaves what the browser showed next to the services' logs. */
    @RegisterExtension
    final TestWatcher keepWhatTheBrowserShowed = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (browser != null) {
                browser.keepForDiagnosis(context.getRequiredTestMethod().getName());
            }
        }
    };

    @AfterAll
    void stop() throws Exception {
        try (AutoCloseable b = browser; AutoCloseable s = stack; AutoCloseable m = smtp) {
            // Closes all three, each even when another fails.
        }
    }

    @Test
    @Order(1)
    void signingInWithAKeyShowsTheOverviewAndAWrongKeyIsRefused() throws Exception {
        Tenant shop = tenant("Signing in", List.of("read", "write"));

        browser.open("/dashboard/runs");
        browser.until(d -> d.getCurrentUrl().endsWith("/dashboard/sign-in"));
        browser.find("#api-key").sendKeys("not-a-key-of-anyone-0123456789");
        browser.find("#sign-in").click();
        assertEquals("That key is unknown or revoked.", browser.shown("#sign-in-error").getText());
        browser.screenshot("sign-in");

        browser.signIn(shop.api.key());
        assertEquals("Signing in", browser.text("#who"));
        assertFalse(browser.driver().getCurrentUrl().contains(shop.api.key()), "the key is never in an address");
        assertFalse(stack.api().logText().contains(shop.api.key()), "nor in the api's log");
        browser.until(d -> "live".equals(browser.find("#live").getAttribute("data-state")));

        browser.find("#sign-out").click();
        browser.until(d -> d.getCurrentUrl().endsWith("/dashboard/sign-in"));
        assertEquals(0L, browser.script("return sessionStorage.length"), "signing out forgets the key");
    }

    @Test
    @Order(2)
    void aRunRequestedThroughTheApiAppearsAndSucceedsWithoutAReload() throws Exception {
        Tenant shop = tenant("Storefront", List.of("read", "write", "ingest"));
        String digest = digest(shop, "Orders today", false, "0 0 8 * * ?");
        browser.signIn(shop.api.key());
        browser.open("/dashboard/runs");
        browser.until(d -> "live".equals(browser.find("#live").getAttribute("data-state")));
        browser.markDocument();

        String run = shop.api.post("/api/v1/digests/" + digest + "/runs", Map.of(), 202).get("id").asText();

        browser.until(d -> !browser.all("tr[data-run-id='" + run + "']").isEmpty());
        assertEquals("succeeded", shop.api.awaitFinished(run, RUN_TIMEOUT).get("status").asText());
        browser.until(Duration.ofSeconds(2), d -> "succeeded".equals(statusOfRow(run)));
        assertTrue(browser.sameDocument(), "the run appeared and changed state without a reload");
    }

    @Test
    @Order(3)
    void aRunThatDiedWhileSmtpRefusedIsRetriedFromItsPageAndSucceeds() throws Exception {
        Tenant shop = tenant("Retries", List.of("read", "write", "ingest"));
        String digest = digest(shop, "Refused digest", false, "0 0 8 * * ?");
        String run;
        smtp.refuse();
        try {
            run = shop.api.post("/api/v1/digests/" + digest + "/runs", Map.of(), 202).get("id").asText();
            awaitStatus(shop.api, run, "dead");
        } finally {
            smtp.listen();
        }

        browser.signIn(shop.api.key());
        browser.open("/dashboard/runs/" + run);
        browser.until(d -> "dead".equals(browser.text("#facts [data-testid=run-status]")));
        assertTrue(browser.all("[data-testid=attempt]").size() >= 2, "both attempts are listed");
        assertFalse(browser.text("[data-testid=attempts-table]").isBlank());
        browser.markDocument();

        browser.shown("[data-testid=retry-run]").click();
        browser.until(d -> browser.status().contains("queued again"));
        browser.until(Duration.ofSeconds(30), d -> "succeeded".equals(browser.text("#facts [data-testid=run-status]")));
        assertTrue(browser.sameDocument(), "the retried run's progress arrived live");
        assertEquals("sent", browser.text("[data-testid=email-status]"));
        assertTrue(browser.all("[data-testid=retry-run]").isEmpty(), "a succeeded run offers no retry");
        browser.screenshotWholePage("run-detail");
    }

    @Test
    @Order(4)
    void aPausedApplicationsDigestDoesNotFire() throws Exception {
        Tenant shop = tenant("Paused shop", List.of("read", "write"));
        browser.signIn(shop.api.key());
        browser.shown("[data-testid=pause-application]").click();
        browser.until(d -> browser.status().contains("Application paused"));
        browser.shown("[data-testid=resume-application]");

        String digest = digest(shop, "Every two seconds", true, "0/2 * * * * ?");
        browser.open("/dashboard/digests");
        browser.until(d -> browser.shown("[data-testid=paused-banner]").getText().contains("paused"));
        String state = "tr[data-digest-id='" + digest + "'] [data-testid=digest-state]";
        browser.shown(state);
        assertEquals("enabled, paused", browser.text(state));
        // Absence over time: the digest's instants every two seconds come and go, and no run appears.
        Instant until = Instant.now().plusSeconds(7);
        while (Instant.now().isBefore(until)) {
            assertEquals(0, runsOf(shop.api, digest).size(), "a paused application's digest does not fire");
            Thread.sleep(250);
        }

        browser.open("/dashboard");
        browser.shown("[data-testid=resume-application]").click();
        browser.until(d -> browser.status().contains("resumed"));
        Stack.await(Duration.ofSeconds(15), () -> !runsOf(shop.api, digest).isEmpty());
        assertEquals("scheduled", runsOf(shop.api, digest).get(0).get("trigger").asText(), "resumed, it fires again");

        browser.open("/dashboard/digests/" + digest);
        browser.shown("[data-testid=disable-digest]").click();
        browser.until(d -> browser.status().contains("disabled"));
        assertFalse(shop.api.get("/api/v1/digests/" + digest, 200).get("enabled").asBoolean());
    }

    @Test
    @Order(5)
    void aReadOnlyKeySeesNoActions() throws Exception {
        Tenant shop = tenant("Read only", List.of("read", "write", "ingest"));
        String digest = digest(shop, "Read-only view", false, "0 0 8 * * ?");
        String run = shop.api.post("/api/v1/digests/" + digest + "/runs", Map.of(), 202).get("id").asText();
        shop.api.awaitFinished(run, RUN_TIMEOUT);
        String readOnly = admin.post("/api/v1/applications/" + shop.applicationId + "/api-keys",
                Map.of("name", "viewer", "scopes", List.of("read")), 201).get("key").asText();

        browser.signIn(readOnly);
        assertEquals("Read only (read only)", browser.text("#who"));
        assertNoActions();
        browser.open("/dashboard/digests");
        browser.shown("tr[data-digest-id='" + digest + "'] [data-testid=last-run] [data-testid=run-status]");
        assertNoActions();
        browser.open("/dashboard/digests/" + digest);
        browser.shown("#facts dd");
        assertNoActions();
        browser.open("/dashboard/runs");
        browser.shown("tr[data-run-id='" + run + "']");
        assertNoActions();
        browser.open("/dashboard/runs/" + run);
        browser.shown("#facts [data-testid=run-status]");
        assertNoActions();
    }

    @Test
    @Order(6)
    void anotherTenantsRunIsNotFound() throws Exception {
        Tenant owner = tenant("Owner", List.of("read", "write"));
        Tenant other = tenant("Other", List.of("read", "write"));
        String run = owner.api.post("/api/v1/digests/" + digest(owner, "Private", false, "0 0 8 * * ?") + "/runs",
                Map.of(), 202).get("id").asText();

        browser.signIn(other.api.key());
        browser.open("/dashboard/runs/" + run);
        assertEquals("Run not found. It does not exist, or your key cannot see it.",
                browser.shown("[data-testid=not-found]").getText());
        assertEquals("Run not found", browser.text("h1"));
        assertFalse(browser.find("#summary").isDisplayed(), "nothing of the run is shown");
        browser.open("/dashboard/runs");
        browser.shown("#empty");
        assertTrue(browser.all("tr[data-run-id='" + run + "']").isEmpty(), "nor is it listed");
    }

    @Test
    @Order(7)
    void aPageThatLostItsStreamReconnectsAndCatchesUp() throws Exception {
        Tenant shop = tenant("Reconnecting", List.of("read", "write"));
        String digest = digest(shop, "After a restart", false, "0 0 8 * * ?");
        browser.signIn(shop.api.key());
        browser.open("/dashboard/runs");
        browser.until(d -> "live".equals(browser.find("#live").getAttribute("data-state")));
        browser.markDocument();

        stack.restartApi();
        String run = shop.api.post("/api/v1/digests/" + digest + "/runs", Map.of(), 202).get("id").asText();
        assertEquals("succeeded", shop.api.awaitFinished(run, RUN_TIMEOUT).get("status").asText());

        browser.until(Duration.ofSeconds(30), d -> "succeeded".equals(statusOfRow(run)));
        assertEquals("live", browser.find("#live").getAttribute("data-state"));
        assertTrue(browser.sameDocument(), "it caught up without a reload");
    }

    /** Every page with data in it, as the README shows them. */
    @Test
    @Order(8)
    void everyPageAsAnOperatorSeesIt() throws Exception {
        Tenant shop = tenant("Acme Shop", List.of("read", "write", "ingest"));
        shop.api.post("/api/v1/event-types", Map.of("key", "order.created", "name", "New orders",
                "lineTemplate", "Order {payload.number} from {payload.customer}: {payload.total}"), 201);
        shop.api.post("/api/v1/event-types", Map.of("key", "review.posted", "name", "Reviews",
                "lineTemplate", "{payload.stars}★ on {payload.product}"), 201);
        String daily = digest(shop, "Daily shop summary", true, "0 0 8 * * ?");
        digest(shop, "Weekly reviews", true, "0 0 9 ? * MON");
        String failing = digest(shop, "Partner feed", false, "0 30 7 * * ?");
        String[] customers = {"Ann Lee", "Bo Chen", "Cy Diaz", "Di Ng", "Ed Wu", "Fay Ott", "Gus Roy"};
        for (int i = 0; i < 3; i++) {
            order(shop, 1030 + i, customers[i + 4]);
            shop.api.awaitFinished(shop.api.post("/api/v1/digests/" + daily + "/runs", Map.of(), 202).get("id").asText(), RUN_TIMEOUT);
        }
        // What the next run would send: the preview shows these.
        for (int i = 0; i < 5; i++) {
            order(shop, 1040 + i, customers[i]);
        }
        shop.api.post("/api/v1/events", Map.of("type", "review.posted", "payload", Map.of("stars", 5, "product", "Teapot")), 201);
        smtp.refuse();
        try {
            awaitStatus(shop.api, shop.api.post("/api/v1/digests/" + failing + "/runs", Map.of(), 202).get("id").asText(), "dead");
        } finally {
            smtp.listen();
        }

        browser.signIn(shop.api.key());
        browser.open("/dashboard/digests");
        browser.shown("tr[data-digest-id='" + failing + "'] [data-testid=last-run] [data-testid=run-status]");
        browser.screenshot("digests");
        browser.open("/dashboard/digests/" + daily);
        browser.shown("#preview-frame");
        browser.driver().switchTo().frame(browser.find("#preview-frame"));
        browser.until(d -> d.findElement(By.tagName("body")).getText().contains("New orders (5)"));
        browser.driver().switchTo().defaultContent();
        browser.shown("[data-testid=schedule-table] tbody tr");
        browser.screenshotWholePage("digest-detail");
        browser.find("details.test-send summary").click();
        browser.find("[data-testid=test-recipient]").sendKeys("me@example.com");
        browser.find("[data-testid=test-send]").click();
        browser.until(d -> browser.status().startsWith("Test send of \"Daily shop summary\" to me@example.com queued"));

        browser.open("/dashboard/runs");
        browser.shown("tr[data-testid=run-row]:has([data-status=dead])");
        // Three runs of the daily digest, the test send, the dead one; the test send finishes live.
        browser.until(d -> browser.all("tr[data-testid=run-row]").size() == 5
                && browser.all("[data-status=queued], [data-status=running]").isEmpty());
        browser.screenshot("runs");
        new Select(browser.find("#f-status")).selectByValue("dead");
        browser.find("#filters button[type=submit]").click();
        browser.until(d -> browser.all("tr[data-testid=run-row]").size() == 1
                && browser.all("tr[data-testid=run-row]:has([data-status=dead])").size() == 1);
        assertTrue(browser.driver().getCurrentUrl().endsWith("/dashboard/runs?status=dead"), "filters are in the address");
        browser.phone();
        browser.open("/dashboard/runs");
        browser.shown("[data-testid=run-row]");
        browser.screenshot("runs-phone");
        browser.desktop();

        browser.signIn(Stack.ADMIN_KEY);
        browser.until(d -> !browser.all("[data-testid=live-workers]").isEmpty());
        browser.screenshotWholePage("overview");
        browser.open("/dashboard/dead-letters");
        WebElement deadLetter = browser.shown("tr[data-testid=dead-letter]:has([data-status=dead])");
        browser.screenshot("dead-letters");
        String deadRun = deadLetter.getAttribute("data-run-id");
        deadLetter.findElement(By.cssSelector("[data-testid=retry-dead-letter]")).click();
        browser.until(d -> browser.status().contains("queued again"));
        assertEquals("succeeded", admin.awaitFinished(deadRun, RUN_TIMEOUT).get("status").asText());
        browser.open("/dashboard/workers");
        browser.shown("[data-testid=worker]");
        assertEquals("console-worker", browser.text("[data-testid=worker] th"));
        browser.screenshot("workers");
    }

    private static void order(Tenant shop, int number, String customer) throws Exception {
        shop.api.post("/api/v1/events", Map.of("type", "order.created",
                "payload", Map.of("number", number, "customer", customer, "total", (number % 97) + ".00 EUR")), 201);
    }

    private void assertNoActions() {
        browser.until(d -> !browser.all("main table, main dl dd").isEmpty());
        List<WebElement> actions = browser.all("[data-action]");
        assertTrue(actions.isEmpty(), "a read-only key sees no action, found " + actions.size() + " on "
                + browser.driver().getCurrentUrl());
    }

    private String statusOfRow(String run) {
        List<WebElement> cells = browser.all("tr[data-run-id='" + run + "'] [data-testid=run-status]");
        return cells.isEmpty() ? null : cells.get(0).getText();
    }

    private static List<JsonNode> runsOf(Api api, String digest) {
        List<JsonNode> runs = new ArrayList<>();
        try {
            api.get("/api/v1/runs?digestId=" + digest, 200).get("items").forEach(runs::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return runs;
    }

    private static void awaitStatus(Api api, String run, String status) throws Exception {
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        String current;
        while (!(current = api.get("/api/v1/runs/" + run, 200).get("status").asText()).equals(status)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("run " + run + " still " + current + ", not " + status + ", after " + RUN_TIMEOUT);
            }
            Thread.sleep(100);
        }
    }

    /** An application of its own and a key of it with these scopes. */
    private Tenant tenant(String name, List<String> scopes) throws Exception {
        String applicationId = admin.post("/api/v1/applications",
                Map.of("name", name, "slug", "console-" + UUID.randomUUID().toString().substring(0, 8)), 201).get("id").asText();
        String key = admin.post("/api/v1/applications/" + applicationId + "/api-keys",
                Map.of("name", "console", "scopes", scopes), 201).get("key").asText();
        return new Tenant(applicationId, admin.as(key));
    }

    /** A digest of every event type to two recipients, with a template of its own. */
    private static String digest(Tenant tenant, String name, boolean enabled, String cron) throws Exception {
        String templateId = tenant.api.post("/api/v1/email-templates", Map.of("name", name + " email",
                "subject", "{digest.name}: {eventCount} events", "html", HTML, "text", TEXT), 201).get("id").asText();
        Map<String, Object> digest = new HashMap<>();
        digest.put("name", name);
        digest.put("cron", cron);
        digest.put("timeZone", "Europe/Paris");
        digest.put("recipients", List.of("ops@example.com", "owner@example.com"));
        digest.put("eventTypes", List.of());
        digest.put("emailTemplateId", templateId);
        digest.put("enabled", enabled);
        digest.put("emptyWindow", "send");
        return tenant.api.post("/api/v1/digests", digest, 201).get("id").asText();
    }

    private record Tenant(String applicationId, Api api) {
    }
}
