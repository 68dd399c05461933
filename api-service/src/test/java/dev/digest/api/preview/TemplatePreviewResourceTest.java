package dev.digest.api.preview;

import static dev.digest.api.support.Problems.assertInvalidField;
import static dev.digest.api.support.Problems.assertProblem;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.digest.api.support.Tenant;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A stored email template renders over sample events with the worker's content code. */
@QuarkusTest
class TemplatePreviewResourceTest {

    private static final String TEXT = """
            {#for g in groups}{g.name}: {g.count}
            {#for e in g.events}- {e.line}
            {/for}{#if g.more > 0}and {g.more} more
            {/if}{/for}""";
    private static final String HTML = "{#for e in events}<li>{e.line}</li>{/for}<a href=\"{unsubscribeUrl}\">unsubscribe</a>";

    private static String template(Tenant tenant, String subject, String html, String text) {
        return tenant.request().body(Map.of("name", Tenant.uniqueSlug("tpl"), "subject", subject, "html", html, "text", text))
                .post("/api/v1/email-templates").then().statusCode(201).extract().path("id");
    }

    private static void eventType(Tenant tenant, String key, String name, String lineTemplate) {
        tenant.request().body(Map.of("key", key, "name", name, "lineTemplate", lineTemplate))
                .post("/api/v1/event-types").then().statusCode(201);
    }

    @Test
    void anEmailTemplateRendersOverSampleEvents() {
        Tenant tenant = Tenant.create();
        eventType(tenant, "order", "Orders", "Order {payload.number} for {payload.customer}");
        String template = template(tenant, "{digest.name} for {recipient}", HTML, TEXT);

        tenant.request().body(Map.of("digestName", "Sample", "recipient", "ann@example.com", "events", List.of(
                        Map.of("type", "order", "payload", Map.of("number", 1, "customer", "<A&B>")),
                        Map.of("type", "order", "payload", Map.of("number", 2)))))
                .post("/api/v1/email-templates/{id}/preview", template).then().statusCode(200)
                .body("subject", equalTo("Sample for ann@example.com"))
                .body("eventCount", equalTo(1))
                .body("badEventCount", equalTo(1))
                .body("text", equalTo("Orders: 1\n- Order 1 for <A&B>\n"))
                .body("html", containsString("<li>Order 1 for &lt;A&amp;B&gt;</li>"));

        tenant.request().post("/api/v1/email-templates/{id}/preview", template).then().statusCode(200)
                .body("subject", equalTo("Sample digest for recipient@example.com"));
        assertInvalidField(tenant.request().body(Map.of("events", List.of(Map.of("type", "order", "payload", Map.of()),
                        Map.of("type", "refund", "payload", Map.of()))))
                .post("/api/v1/email-templates/{id}/preview", template), "events[1].type");
        assertProblem(Tenant.create().request().body(Map.of())
                .post("/api/v1/email-templates/{id}/preview", template), 404, "not-found");
    }
}
