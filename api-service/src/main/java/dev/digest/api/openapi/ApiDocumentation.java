package dev.digest.api.openapi;

import dev.digest.api.web.Problem;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The OpenAPI document's header (on the JAX-RS application, where MicroProfile OpenAPI reads it;
 * it adds nothing to JAX-RS itself): the bearer API-key scheme every secured operation requires
 * (Quarkus adds the requirement from {@code @RolesAllowed}/{@code @Authenticated}), the tags
 * in the order Swagger UI shows them, and the problem schema every error response uses.
 */
@OpenAPIDefinition(
        info = @Info(title = "Digest API", version = "1.0", description = "Events in, scheduled digest emails out."),
        tags = {
                @Tag(name = ApiDocumentation.APPLICATIONS, description = "Applications (tenants); admin key only"),
                @Tag(name = ApiDocumentation.API_KEYS, description = "An application's API keys; admin key only"),
                @Tag(name = ApiDocumentation.EVENT_TYPES, description = "The kinds of event an application sends"),
                @Tag(name = ApiDocumentation.EVENTS, description = "Ingesting and searching events"),
                @Tag(name = ApiDocumentation.EMAIL_TEMPLATES, description = "Templates digest emails are rendered from"),
                @Tag(name = ApiDocumentation.DIGEST_TEMPLATES, description = "Presets for new digests"),
                @Tag(name = ApiDocumentation.DIGESTS, description = "Scheduled digests, previews and runs on request"),
                @Tag(name = ApiDocumentation.RUNS, description = "Runs of digests, their email logs, retries and the live stream"),
                @Tag(name = ApiDocumentation.QUEUE, description = "The job queue: state, pauses and dead letters"),
                @Tag(name = ApiDocumentation.RECIPIENTS, description = "Suppressed and unsubscribed addresses"),
                @Tag(name = ApiDocumentation.UNSUBSCRIBE, description = "The links in digest emails; no key needed"),
                @Tag(name = ApiDocumentation.ACCOUNT, description = "The presented key itself")
        },
        components = @Components(schemas = @Schema(name = ProblemResponses.PROBLEM_SCHEMA, implementation = Problem.class)))
@SecurityScheme(securitySchemeName = ApiDocumentation.API_KEY, type = SecuritySchemeType.HTTP, scheme = "bearer",
        bearerFormat = "API key",
        description = "An application's API key (its scopes are its roles: read, write, ingest) or the admin key, "
                + "as 'Authorization: Bearer <key>'")
public class ApiDocumentation extends Application {

    public static final String API_KEY = "apiKey";

    public static final String APPLICATIONS = "Applications";
    public static final String API_KEYS = "API keys";
    public static final String EVENT_TYPES = "Event types";
    public static final String EVENTS = "Events";
    public static final String EMAIL_TEMPLATES = "Email templates";
    public static final String DIGEST_TEMPLATES = "Digest templates";
    public static final String DIGESTS = "Digests";
    public static final String RUNS = "Runs";
    public static final String QUEUE = "Queue";
    public static final String RECIPIENTS = "Recipients";
    public static final String UNSUBSCRIBE = "Unsubscribe";
    public static final String ACCOUNT = "Account";
}
