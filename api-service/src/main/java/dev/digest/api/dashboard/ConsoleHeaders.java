package dev.digest.api.dashboard;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The security headers of the console's pages. */
final class ConsoleHeaders {

    /**
     * Scripts and styles only from this server, calls only to it, no plugins, no framing of the
     * console by anyone. The email preview is an {@code <iframe sandbox srcdoc>}: it needs no
     * {@code frame-src} (nothing is fetched) and runs no script, sandbox or not.
     */
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /**
     * A srcdoc frame inherits its page's policy, and emails carry their styles inline; so the
     * digest page allows inline styles (never inline scripts). Remote images in the email stay
     * blocked: a preview must not tell a tracker that someone looked.
     */
    static final String POLICY_WITH_EMAIL_PREVIEW = POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");

    private ConsoleHeaders() {
    }

    static Response page(String body) {
        return html(body, POLICY);
    }

    static Response withEmailPreview(String body) {
        return html(body, POLICY_WITH_EMAIL_PREVIEW);
    }

    private static Response html(String body, String policy) {
        return Response.ok(body, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .header("Content-Security-Policy", policy)
                .header("X-Content-Type-Options", "nosniff")
                .header("X-Frame-Options", "DENY")
                .header("Referrer-Policy", "no-referrer")
                .header("Cache-Control", "no-store")
                .build();
    }
}
