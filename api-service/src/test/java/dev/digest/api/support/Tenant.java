package dev.digest.api.support;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * An application made for one test through the admin API, with a key holding every scope.
 * Each test works in its own tenant, so tests never see each other's rows.
 */
public record Tenant(String applicationId, String slug, String key) {

    public static String adminKey() {
        return ConfigProvider.getConfig().getValue("digest.admin-key", String.class);
    }

    public static RequestSpecification asAdmin() {
        return given().auth().oauth2(adminKey()).contentType(ContentType.JSON);
    }

    public static RequestSpecification as(String key) {
        return given().auth().oauth2(key).contentType(ContentType.JSON);
    }

    public static String uniqueSlug(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static Tenant create() {
        String slug = uniqueSlug("t");
        String applicationId = asAdmin().body(Map.of("name", "Tenant " + slug, "slug", slug))
                .post("/api/v1/applications")
                .then().statusCode(201).extract().path("id");
        Tenant tenant = new Tenant(applicationId, slug, null);
        return new Tenant(applicationId, slug, tenant.newKey("read", "write", "ingest"));
    }

    /** A new key of this application with the given scopes; the secret as shown once at creation. */
    public String newKey(String... scopes) {
        return asAdmin().body(Map.of("name", "key " + String.join("+", scopes), "scopes", List.of(scopes)))
                .post("/api/v1/applications/{app}/api-keys", applicationId)
                .then().statusCode(201).extract().path("key");
    }

    public RequestSpecification request() {
        return as(key);
    }

    public String emailTemplate() {
        return request().body(Map.of("name", uniqueSlug("tpl"), "subject", "Digest for {digest.name}",
                        "html", "<p>{events.size} events</p>", "text", "events"))
                .post("/api/v1/email-templates")
                .then().statusCode(201).extract().path("id");
    }

    public String eventType(String key) {
        return request().body(Map.of("key", key, "name", "Type " + key))
                .post("/api/v1/event-types")
                .then().statusCode(201).extract().path("id");
    }

    /** A valid digest body, to be varied by the caller. */
    public Map<String, Object> digestBody(String emailTemplateId) {
        return new java.util.HashMap<>(Map.of(
                "name", "Daily orders",
                "cron", "0 0 8 * * ?",
                "timeZone", "Europe/Paris",
                "recipients", List.of("ops@example.com", "ceo@example.com"),
                "eventTypes", List.of(),
                "emailTemplateId", emailTemplateId,
                "enabled", true,
                "emptyWindow", "skip"));
    }

    public String digest(String emailTemplateId) {
        return request().body(digestBody(emailTemplateId)).post("/api/v1/digests")
                .then().statusCode(201).extract().path("id");
    }
}
