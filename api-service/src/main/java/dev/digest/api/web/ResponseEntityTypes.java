package dev.digest.api.web;

import dev.digest.api.apikey.ApiKeyResponse;
import dev.digest.api.application.ApplicationResponse;
import dev.digest.api.digest.DigestResponse;
import dev.digest.api.digesttemplate.DigestTemplateResponse;
import dev.digest.api.emailtemplate.EmailTemplateResponse;
import dev.digest.api.eventtype.EventTypeResponse;
import dev.digest.api.run.RunResponse;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Registers for reflection the bodies that reach Jackson only through {@code Response.entity()}.
 *
 * <p>Quarkus registers the types resource methods declare; a method that returns a
 * {@code Response} hides its body's type, and a native image could not serialise it. The full
 * hierarchy takes in what the bodies hold (violations, email logs, bad-event notes, enums).
 * A new {@code Response}-returning endpoint adds its body type here.
 */
@RegisterForReflection(registerFullHierarchy = true, targets = {
        Problem.class,
        Violation.class,
        ApiKeyResponse.class,
        ApplicationResponse.class,
        DigestResponse.class,
        DigestTemplateResponse.class,
        EmailTemplateResponse.class,
        EventTypeResponse.class,
        RunResponse.class,
})
final class ResponseEntityTypes {

    private ResponseEntityTypes() {
    }
}
