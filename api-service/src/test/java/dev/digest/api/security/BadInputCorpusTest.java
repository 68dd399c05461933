package dev.digest.api.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.digest.api.support.Tenant;
import dev.digest.common.job.JobQueueConfig;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Hostile and broken requests across the API. Each must be answered with a 4xx
 * {@code application/problem+json}, never a 5xx, and must leave the database (both tenants'
 * rows, every application and key) and the job stream exactly as they were.
 */
@QuarkusTest
class BadInputCorpusTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    JobQueueConfig queue;

    private Tenant a;
    private Tenant b;
    private String readKey;
    private String ingestKey;
    private String revokedKey;
    private String template;
    private String digest;
    private String run;
    private String otherDigest;
    private String otherTemplate;
    private String otherRun;
    private String bombTemplate;

    /** Called from the test itself: RestAssured knows the test port only once a test runs. */
    void tenants() {
        a = Tenant.create();
        b = Tenant.create();
        a.eventType("order");
        b.eventType("secret");
        template = a.emailTemplate();
        digest = a.digest(template);
        run = a.request().post("/api/v1/digests/{id}/runs", digest).then().statusCode(202).extract().path("id");
        otherTemplate = b.emailTemplate();
        otherDigest = b.digest(otherTemplate);
        otherRun = b.request().post("/api/v1/digests/{id}/runs", otherDigest).then().statusCode(202).extract().path("id");
        bombTemplate = a.request().body(Map.of("name", "bomb-" + UUID.randomUUID(), "subject", "s", "html", LOOP_BOMB,
                "text", "t")).post("/api/v1/email-templates").then().statusCode(201).extract().path("id");
        readKey = a.newKey("read");
        ingestKey = a.newKey("ingest");
        io.restassured.path.json.JsonPath revoked = Tenant.asAdmin()
                .body(Map.of("name", "to be revoked", "scopes", List.of("read", "write")))
                .post("/api/v1/applications/{app}/api-keys", a.applicationId()).then().statusCode(201).extract().jsonPath();
        revokedKey = revoked.getString("key");
        String revokedId = revoked.getString("id");
        Tenant.asAdmin().delete("/api/v1/applications/{app}/api-keys/{id}", a.applicationId(), revokedId)
                .then().statusCode(204);
    }

    /** One hostile request: who sends it, and how. */
    private record Case(String name, java.util.function.Supplier<Response> send) {
    }

    private static final String LOOP_BOMB = "{#for e in events}{#for a in e.payload.l}{#for b in e.payload.l}"
            + "{#for c in e.payload.l}x{/for}{/for}{/for}{/for}";

    private static String nested(String open, String close, int depth) {
        return open.repeat(depth) + "x" + close.repeat(depth);
    }

    private static List<String> templateBombs() {
        return List.of(nested("{#if true}", "{/if}", 10_000), nested("{#for x in l}", "{/for}", 10_000),
                nested("{#let x=1}", "{/let}", 10_000), nested("{#with x}", "{/with}", 10_000),
                "{a" + " ?: a".repeat(20_000) + "}", "{a" + ".or(a".repeat(3_000) + ")".repeat(3_000) + "}");
    }

    private List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        String digests = "/api/v1/digests";
        String events = "/api/v1/events";
        String one = "/api/v1/digests/" + digest;

        // Keys and scopes.
        cases.add(new Case("no key", () -> given().get(digests)));
        cases.add(new Case("empty bearer", () -> given().header("Authorization", "Bearer ").get(digests)));
        cases.add(new Case("basic auth", () -> given().header("Authorization", "Basic dXNlcjpwYXNz").get(digests)));
        cases.add(new Case("unknown key", () -> Tenant.as("dgk_" + "a".repeat(43)).get(digests)));
        cases.add(new Case("revoked key", () -> Tenant.as(revokedKey).get(digests)));
        cases.add(new Case("10k-char key", () -> Tenant.as("k".repeat(10_000)).get(digests)));
        cases.add(new Case("key with control characters", () -> Tenant.as("dgk_\u0001\u0002").get(digests)));
        cases.add(new Case("read key creates a digest", () -> Tenant.as(readKey).body(digestBody(m -> m)).post(digests)));
        cases.add(new Case("read key runs a digest", () -> Tenant.as(readKey).post(one + "/runs")));
        cases.add(new Case("read key posts events", () -> Tenant.as(readKey).body(event("order", "{}")).post(events)));
        cases.add(new Case("ingest key lists digests", () -> Tenant.as(ingestKey).get(digests)));
        cases.add(new Case("ingest key deletes a digest", () -> Tenant.as(ingestKey).delete(one)));
        cases.add(new Case("application key creates an application", () -> a.request()
                .body(Map.of("name", "x", "slug", "x-" + UUID.randomUUID().toString().substring(0, 8))).post("/api/v1/applications")));
        cases.add(new Case("application key lists applications", () -> a.request().get("/api/v1/applications")));
        cases.add(new Case("admin key creates a digest", () -> Tenant.asAdmin().body(digestBody(m -> m)).post(digests)));
        cases.add(new Case("admin key deletes a digest", () -> Tenant.asAdmin().delete(one)));
        cases.add(new Case("application key reads another application's keys", () -> a.request()
                .get("/api/v1/applications/{app}/api-keys", b.applicationId())));

        // Malformed and truncated JSON.
        for (String body : List.of("{", "{\"name\":", "[1,2", "nul", "", "\"digest\"", "123", "{\"name\": \"x\",}",
                "{'name': 'x'}", "{\"name\": \"x\" \"cron\": \"y\"}", "{\"recipients\": [\"a@b.c\",]}")) {
            cases.add(new Case("digest body " + body, () -> a.request().body(body).post(digests)));
        }
        cases.add(new Case("events truncated", () -> a.request().body("{\"events\": [{\"type\": \"order\", \"pay").post(events)));
        cases.add(new Case("invalid UTF-8", () -> a.request()
                .body(new byte[] {'{', '"', 'n', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}).post(digests)));
        cases.add(new Case("nesting 5000 deep", () -> a.request()
                .body("{\"type\": \"order\", \"payload\": {\"a\": " + "[".repeat(5000) + "]".repeat(5000) + "}}").post(events)));
        cases.add(new Case("nesting 100 deep", () -> a.request()
                .body("{\"type\": \"order\", \"payload\": {\"a\": " + "[".repeat(100) + "]".repeat(100) + "}}").post(events)));

        // Wrong content types.
        cases.add(new Case("text/plain", () -> a.request().contentType("text/plain").body(digestJson(m -> m)).post(digests)));
        cases.add(new Case("xml", () -> a.request().contentType("application/xml").body("<digest/>").post(digests)));
        cases.add(new Case("form", () -> a.request().contentType("application/x-www-form-urlencoded").body("name=x").post(digests)));
        cases.add(new Case("events as text", () -> a.request().contentType("text/plain").body(event("order", "{}")).post(events)));
        cases.add(new Case("template as octets", () -> a.request().contentType("application/octet-stream")
                .body("{}".getBytes(StandardCharsets.UTF_8)).put("/api/v1/email-templates/" + template)));

        // Wrong types.
        cases.add(new Case("name is a number", () -> a.request().body(digestJson(m -> put(m, "name", 123))).post(digests)));
        cases.add(new Case("recipients is a string", () -> a.request().body(digestJson(m -> put(m, "recipients", "a@b.c"))).post(digests)));
        cases.add(new Case("enabled is 'yes'", () -> a.request().body(digestJson(m -> put(m, "enabled", "yes"))).post(digests)));
        cases.add(new Case("cron is a number", () -> a.request().body(digestJson(m -> put(m, "cron", 5))).post(digests)));
        cases.add(new Case("eventTypes is an object", () -> a.request().body(digestJson(m -> put(m, "eventTypes", Map.of()))).post(digests)));
        cases.add(new Case("emptyWindow 'never'", () -> a.request().body(digestJson(m -> put(m, "emptyWindow", "never"))).post(digests)));
        cases.add(new Case("missedRuns 'sometimes'", () -> a.request().body(digestJson(m -> put(m, "missedRuns", "sometimes"))).post(digests)));
        cases.add(new Case("template id not a UUID", () -> a.request().body(digestJson(m -> put(m, "emailTemplateId", "not-a-uuid"))).post(digests)));
        cases.add(new Case("timeZone is a list", () -> a.request().body(digestJson(m -> put(m, "timeZone", List.of()))).post(digests)));
        cases.add(new Case("payload is a string", () -> a.request().body(event("order", "\"str\"")).post(events)));
        cases.add(new Case("payload is a list", () -> a.request().body(event("order", "[1]")).post(events)));
        cases.add(new Case("payload is null", () -> a.request().body(event("order", "null")).post(events)));
        cases.add(new Case("occurredAt 'yesterday'", () -> a.request()
                .body("{\"type\": \"order\", \"payload\": {}, \"occurredAt\": \"yesterday\"}").post(events)));
        cases.add(new Case("type is a number", () -> a.request().body("{\"type\": 5, \"payload\": {}}").post(events)));
        cases.add(new Case("events is a string", () -> a.request().body("{\"events\": \"x\"}").post(events)));
        cases.add(new Case("idempotencyKey is an object", () -> a.request()
                .body("{\"type\": \"order\", \"payload\": {}, \"idempotencyKey\": {}}").post(events)));

        // Huge values.
        cases.add(new Case("10k-char name", () -> a.request().body(digestJson(m -> put(m, "name", "n".repeat(10_000)))).post(digests)));
        cases.add(new Case("600 recipients", () -> a.request().body(digestJson(m -> put(m, "recipients", addresses(600)))).post(digests)));
        cases.add(new Case("100k-char cron", () -> a.request().body(digestJson(m -> put(m, "cron", "0 ".repeat(50_000)))).post(digests)));
        cases.add(new Case("3000-char description", () -> a.request().body(digestJson(m -> put(m, "description", "d".repeat(3000)))).post(digests)));
        cases.add(new Case("limit beyond long", () -> a.request().queryParam("limit", "99999999999999999999").get(digests)));
        cases.add(new Case("limit -1", () -> a.request().queryParam("limit", "-1").get(digests)));
        cases.add(new Case("limit 0", () -> a.request().queryParam("limit", "0").get(digests)));
        cases.add(new Case("limit 100000", () -> a.request().queryParam("limit", "100000").get(digests)));
        cases.add(new Case("limit 1e3", () -> a.request().queryParam("limit", "1e3").get(digests)));
        cases.add(new Case("limit abc on runs", () -> a.request().queryParam("limit", "abc").get("/api/v1/runs")));
        cases.add(new Case("count 1e9", () -> a.request().queryParam("count", "1000000000").get(one + "/schedule")));
        cases.add(new Case("70 KiB payload", () -> a.request().body(event("order", "{\"x\": \"" + "p".repeat(70_000) + "\"}")).post(events)));
        cases.add(new Case("1001 events", () -> a.request().body(Map.of("events",
                Collections.nCopies(1001, Map.of("type", "order", "payload", Map.of())))).post(events)));
        cases.add(new Case("1000-char idempotency key", () -> a.request()
                .body(Map.of("type", "order", "payload", Map.of(), "idempotencyKey", "i".repeat(1000))).post(events)));
        cases.add(new Case("500-char event type key", () -> a.request()
                .body(Map.of("key", "k".repeat(500), "name", "x")).post("/api/v1/event-types")));
        cases.add(new Case("10k-char event type name", () -> a.request()
                .body(Map.of("key", "big", "name", "n".repeat(10_000))).post("/api/v1/event-types")));
        cases.add(new Case("huge number in a field", () -> a.request()
                .body("{\"name\": \"x\", \"version\": 1" + "0".repeat(2000) + "}").put(one)));

        // Odd Unicode.
        cases.add(new Case("NUL in a name", () -> a.request().body(digestJson(m -> put(m, "name", "a\u0000b"))).post(digests)));
        cases.add(new Case("NUL in a template", () -> a.request().body(Map.of("name", "t", "subject", "s\u0000",
                "html", "h", "text", "t")).post("/api/v1/email-templates")));
        cases.add(new Case("NUL in a payload", () -> a.request().body(event("order", "{\"a\": \"x\\u0000y\"}")).post(events)));
        cases.add(new Case("NUL in a payload key", () -> a.request().body(event("order", "{\"a\\u0000\": 1}")).post(events)));
        cases.add(new Case("lone surrogate in a name", () -> a.request()
                .body(digestJson(m -> m).replace("\"Daily orders\"", "\"a\\ud800b\"")).post(digests)));
        cases.add(new Case("lone surrogate in a payload", () -> a.request().body(event("order", "{\"a\": \"\\udfff\"}")).post(events)));
        cases.add(new Case("unicode slug", () -> Tenant.asAdmin().body(Map.of("name", "x", "slug", "ünïcode")).post("/api/v1/applications")));
        cases.add(new Case("zero-width slug", () -> Tenant.asAdmin().body(Map.of("name", "x", "slug", "a\u200bb")).post("/api/v1/applications")));
        cases.add(new Case("emoji event type key", () -> a.request().body(Map.of("key", "🔥", "name", "x")).post("/api/v1/event-types")));
        cases.add(new Case("right-to-left override in an address", () -> a.request()
                .body(digestJson(m -> put(m, "recipients", List.of("ann\u202e@example.com")))).post(digests)));

        // Cron, zone and address.
        for (String cron : List.of("every day", "* * * *", "0 0 25 * * ?", "0 0 8 ? * MON-XYZ", "0 0 8 * * ? 1900", "@daily")) {
            cases.add(new Case("cron " + cron, () -> a.request().body(digestJson(m -> put(m, "cron", cron))).post(digests)));
        }
        for (String zone : List.of("Mars/Base", "UTC+25", "../../../etc/passwd", "")) {
            cases.add(new Case("zone " + zone, () -> a.request().body(digestJson(m -> put(m, "timeZone", zone))).post(digests)));
        }
        for (List<String> recipients : List.of(List.of("nope"), List.of("a@b.c", "a@b.c"), List.<String>of(),
                List.of("<script>alert(1)</script>@x.com"), List.of("a@b.c\r\nBcc: evil@x.com"), List.of("a@b.c, evil@x.com"))) {
            cases.add(new Case("recipients " + recipients, () -> a.request()
                    .body(digestJson(m -> put(m, "recipients", recipients))).post(digests)));
        }
        cases.add(new Case("test run to nobody", () -> a.request().body(Map.of("to", "nope")).post(one + "/test")));
        cases.add(new Case("test run with header injection", () -> a.request()
                .body(Map.of("to", "me@example.com\r\nBcc: all@example.com")).post(one + "/test")));
        cases.add(new Case("test run without body", () -> a.request().post(one + "/test")));

        // Template injection.
        cases.add(new Case("include", () -> a.request().body(emailTemplate("h", "<p>{#include base /}</p>")).post("/api/v1/email-templates")));
        cases.add(new Case("config namespace", () -> a.request().body(emailTemplate("{config:digest.admin-key}", "h")).post("/api/v1/email-templates")));
        cases.add(new Case("inject namespace", () -> a.request().body(emailTemplate("s", "{inject:pool}")).post("/api/v1/email-templates")));
        cases.add(new Case("method call", () -> a.request().body(emailTemplate("s", "{digest.getClass().getName()}")).post("/api/v1/email-templates")));
        cases.add(new Case("eval", () -> a.request().body(emailTemplate("s", "{#eval 'x' /}")).post("/api/v1/email-templates")));
        cases.add(new Case("insert", () -> a.request().body(emailTemplate("{#insert x}{/insert}", "h")).post("/api/v1/email-templates")));
        cases.add(new Case("line template reaching for Runtime", () -> a.request().body(Map.of("key", "rt", "name", "x",
                "lineTemplate", "{payload.getClass().forName('java.lang.Runtime')}")).post("/api/v1/event-types")));
        cases.add(new Case("line template counting to 1e8", () -> a.request().body(Map.of("key", "loop", "name", "x",
                "lineTemplate", "{#for i in 100000000}x{/for}")).post("/api/v1/event-types")));
        cases.add(new Case("line template cdi namespace", () -> a.request().body(Map.of("key", "cdi", "name", "x",
                "lineTemplate", "{cdi:pool}")).post("/api/v1/event-types")));
        cases.add(new Case("template update with include", () -> a.request().header("If-Match", "\"0\"")
                .body(emailTemplate("s", "{#include x /}")).put("/api/v1/email-templates/" + template)));
        cases.add(new Case("preview with another application's type", () -> a.request()
                .body(Map.of("events", List.of(Map.of("type", "secret", "payload", Map.of()))))
                .post("/api/v1/email-templates/" + template + "/preview")));

        // Template bombs: refused when saved, stopped while rendered.
        List<Object> numbers = Collections.nCopies(250, 1);
        cases.add(new Case("preview of a loop bomb", () -> Tenant.as(readKey).body(Map.of("events",
                List.of(Map.of("type", "order", "payload", Map.of("l", numbers))))).post("/api/v1/email-templates/" + bombTemplate + "/preview")));
        int bomb = 0;
        for (String body : templateBombs()) {
            String name = "bomb " + (++bomb);
            cases.add(new Case(name + " as html", () -> a.request().body(emailTemplate("s", body)).post("/api/v1/email-templates")));
            cases.add(new Case(name + " as subject", () -> a.request().body(emailTemplate(body, "h")).post("/api/v1/email-templates")));
            cases.add(new Case(name + " as a line template", () -> a.request().body(Map.of("key", "bomb", "name", "x",
                    "lineTemplate", body)).post("/api/v1/event-types")));
            cases.add(new Case(name + " in a template update", () -> a.request().header("If-Match", "\"0\"")
                    .body(emailTemplate("s", body)).put("/api/v1/email-templates/" + template)));
        }

        // Strict JSON, numbers and instants.
        String good = event("order", "{}");
        cases.add(new Case("trailing garbage", () -> a.request().body(good + " garbage").post(events)));
        cases.add(new Case("two documents", () -> a.request().body(good + good).post(events)));
        cases.add(new Case("trailing garbage on a preview", () -> a.request().body("{} x").post("/api/v1/email-templates/" + template + "/preview")));
        cases.add(new Case("overlong UTF-8", () -> a.request().body(new byte[] {'{', '"', 't', 'y', 'p', 'e', '"', ':', '"',
                (byte) 0xC0, (byte) 0xAF, '"', '}'}).post(events)));
        cases.add(new Case("UTF-8 surrogate", () -> a.request().body(new byte[] {'{', '"', 't', 'y', 'p', 'e', '"', ':', '"',
                (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'}).post(events)));
        cases.add(new Case("1e400 in a payload", () -> a.request().body(event("order", "{\"x\": 1e400}")).post(events)));
        cases.add(new Case("-1e400 in a sample payload", () -> a.request().body("{\"events\": [{\"type\": \"order\", \"payload\": {\"x\": -1e400}}]}")
                .post("/api/v1/email-templates/" + template + "/preview")));
        for (String at : List.of("\"1969-12-31T23:59:59Z\"", "\"+10000-01-01T00:00:00Z\"", "\"-0001-01-01T00:00:00Z\"",
                "1700000000", "1700000000.5", "\"2026-01-01T00:00:00Z\\u0000\"", "\"2026-01-01T00:00:00\"", "\"infinity\"")) {
            cases.add(new Case("occurredAt " + at, () -> a.request()
                    .body("{\"type\": \"order\", \"payload\": {}, \"occurredAt\": " + at + "}").post(events)));
        }
        cases.add(new Case("sample occurredAt in 1900", () -> a.request().body(Map.of("events", List.of(Map.of("type", "order",
                "payload", Map.of(), "occurredAt", "1900-01-01T00:00:00Z")))).post("/api/v1/email-templates/" + template + "/preview")));
        cases.add(new Case("limit 201", () -> a.request().queryParam("limit", "201").get(digests)));
        cases.add(new Case("JSON 33 deep", () -> a.request()
                .body("{\"type\": \"order\", \"payload\": " + "[".repeat(32) + "]".repeat(32) + "}").post(events)));

        // Senders that would add a header.
        for (Map<String, Object> sender : List.of(Map.<String, Object>of("senderAddress", "a@b.c\r\nBcc: x@y.z"),
                Map.<String, Object>of("senderName", "Shop\r\nBcc: x@y.z"), Map.<String, Object>of("senderName", "A \"B\" <c@d.e>"),
                Map.<String, Object>of("replyTo", "not an address"), Map.<String, Object>of("replyTo", "a@b.c, evil@x.com"))) {
            cases.add(new Case("sender " + sender.keySet(), () -> {
                Map<String, Object> body = new HashMap<>(Map.of("name", "x", "slug", "sender-" + UUID.randomUUID().toString().substring(0, 8)));
                body.putAll(sender);
                return Tenant.asAdmin().body(body).post("/api/v1/applications");
            }));
        }

        // SQL metacharacters where they are not valid values.
        cases.add(new Case("slug with SQL", () -> Tenant.asAdmin()
                .body(Map.of("name", "x", "slug", "x'; DROP TABLE digest_digests;--")).post("/api/v1/applications")));
        cases.add(new Case("event type key with SQL", () -> a.request().body(Map.of("key", "a' OR '1'='1", "name", "x")).post("/api/v1/event-types")));
        cases.add(new Case("cursor with SQL", () -> a.request().queryParam("cursor", "' OR 1=1--").get(digests)));
        cases.add(new Case("status with SQL", () -> a.request().queryParam("status", "queued' OR '1'='1").get("/api/v1/runs")));
        cases.add(new Case("path id with SQL", () -> a.request().get(digests + "/1' OR '1'='1")));
        cases.add(new Case("digestId with SQL", () -> a.request().queryParam("digestId", "' OR 1=1--").get("/api/v1/runs")));
        cases.add(new Case("from with SQL", () -> a.request().queryParam("from", "2020-01-01' OR 1=1--").get(events)));
        cases.add(new Case("enabled with SQL", () -> a.request().queryParam("enabled", "true OR 1=1").get(digests)));

        // Another application's ids answer as if they did not exist.
        String theirs = "/api/v1/digests/" + otherDigest;
        cases.add(new Case("their digest", () -> a.request().get(theirs)));
        cases.add(new Case("replace their digest", () -> a.request().header("If-Match", "\"0\"").body(digestJson(m -> m)).put(theirs)));
        cases.add(new Case("delete their digest", () -> a.request().delete(theirs)));
        cases.add(new Case("run their digest", () -> a.request().post(theirs + "/runs")));
        cases.add(new Case("test their digest", () -> a.request().body(Map.of("to", "me@example.com")).post(theirs + "/test")));
        cases.add(new Case("preview their digest", () -> a.request().get(theirs + "/preview")));
        cases.add(new Case("their schedule", () -> a.request().get(theirs + "/schedule")));
        cases.add(new Case("digest on their template", () -> a.request().body(digestJson(m -> put(m, "emailTemplateId", otherTemplate))).post(digests)));
        cases.add(new Case("event of their type", () -> a.request().body(event("secret", "{}")).post(events)));
        cases.add(new Case("their template", () -> a.request().get("/api/v1/email-templates/" + otherTemplate)));
        cases.add(new Case("preview their template", () -> a.request().body(Map.of()).post("/api/v1/email-templates/" + otherTemplate + "/preview")));
        cases.add(new Case("their run", () -> a.request().get("/api/v1/runs/" + otherRun)));
        cases.add(new Case("retry their run", () -> a.request().post("/api/v1/runs/" + otherRun + "/retry")));

        // Versions, methods, states.
        cases.add(new Case("replace without a version", () -> a.request().body(digestJson(m -> m)).put(one)));
        cases.add(new Case("replace a stale version", () -> a.request().header("If-Match", "\"99\"").body(digestJson(m -> m)).put(one)));
        cases.add(new Case("If-Match garbage", () -> a.request().header("If-Match", "garbage").body(digestJson(m -> m)).put(one)));
        cases.add(new Case("stale version in body", () -> a.request().body(digestJson(m -> put(m, "version", 99))).put(one)));
        cases.add(new Case("DELETE events", () -> a.request().delete(events)));
        cases.add(new Case("PATCH a digest", () -> a.request().body("{}").patch(one)));
        cases.add(new Case("PUT a run", () -> a.request().body("{}").put("/api/v1/runs/" + run)));
        cases.add(new Case("retry a queued run", () -> a.request().post("/api/v1/runs/" + run + "/retry")));
        cases.add(new Case("unknown path", () -> a.request().get("/api/v1/nothing-here")));
        cases.add(new Case("schedule count 0", () -> a.request().queryParam("count", "0").get(one + "/schedule")));
        cases.add(new Case("preview for a stranger", () -> a.request().queryParam("recipient", "x@evil.example").get(one + "/preview")));
        cases.add(new Case("unsubscribe with a forged token", () -> given().post("/unsubscribe/"
                + UUID.randomUUID() + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")));
        cases.add(new Case("unsubscribe page with garbage", () -> given().get("/unsubscribe/%3Cscript%3E")));
        return cases;
    }

    @TestFactory
    Stream<DynamicTest> everyHostileRequestIsAProblemAndChangesNothing() {
        tenants();
        List<Case> cases = cases();
        assertTrue(cases.size() >= 100, "the corpus has " + cases.size() + " requests");
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            String before = fingerprint();
            Response response = c.send().get();
            int status = response.statusCode();
            assertTrue(status >= 400 && status < 500, c.name() + " answered " + status + ": " + response.asString());
            assertTrue(String.valueOf(response.contentType()).startsWith("application/problem+json"),
                    c.name() + " answered " + response.contentType());
            assertEquals(status, response.jsonPath().getInt("status"));
            assertTrue(response.jsonPath().getString("type").startsWith("urn:digest:problem:"));
            assertEquals(before, fingerprint(), c.name() + " changed stored data");
        }));
    }

    /** Everything a refused request could have touched: both tenants' rows, all applications and keys, the stream. */
    private String fingerprint() {
        String sql = """
                SELECT concat_ws(' | ',
                  (SELECT count(*) FROM digest_applications),
                  (SELECT count(*) || md5(coalesce(string_agg(id::text || coalesce(revoked_at::text, ''), ',' ORDER BY id), ''))
                     FROM digest_api_keys),
                  (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM digest_event_types t WHERE application_id = ANY($1)),
                  (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM digest_email_templates t WHERE application_id = ANY($1)),
                  (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM digest_templates t WHERE application_id = ANY($1)),
                  (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM digest_digests t WHERE application_id = ANY($1)),
                  (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM digest_webhook_events t WHERE application_id = ANY($1)),
                  (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM digest_runs t WHERE application_id = ANY($1)),
                  (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM digest_email_logs t WHERE application_id = ANY($1)),
                  (SELECT count(*) FROM digest_unsubscribes WHERE application_id = ANY($1)))
                """;
        UUID[] apps = {UUID.fromString(a.applicationId()), UUID.fromString(b.applicationId())};
        String rows = pool.preparedQuery(sql).execute(Tuple.of(apps)).await().indefinitely().iterator().next().getString(0);
        return rows + " | stream " + redis.stream(String.class).xlen(queue.stream());
    }

    private Map<String, Object> digestMap(UnaryOperator<Map<String, Object>> change) {
        return change.apply(new HashMap<>(a.digestBody(template)));
    }

    private Map<String, Object> digestBody(UnaryOperator<Map<String, Object>> change) {
        return digestMap(change);
    }

    private String digestJson(UnaryOperator<Map<String, Object>> change) {
        try {
            return JSON.writeValueAsString(digestMap(change));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> put(Map<String, Object> map, String key, Object value) {
        map.put(key, value);
        return map;
    }

    private static String event(String type, String payloadJson) {
        return "{\"type\": \"" + type + "\", \"payload\": " + payloadJson + "}";
    }

    private static Map<String, Object> emailTemplate(String subject, String html) {
        return Map.of("name", "inject-" + UUID.randomUUID(), "subject", subject, "html", html, "text", "t");
    }

    private static List<String> addresses(int n) {
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            addresses.add("r" + i + "@example.com");
        }
        return addresses;
    }
}
