package dev.digest.api.web;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses a body announced larger than {@code quarkus.http.limits.max-body-size} before a byte
 * of it is read, and a Transfer-Encoding other than chunked (400), with the API's problem shape. (Vert.x enforces the same limit on bodies sent
 * without a length, by closing the request with a bare 413.)
 */
@ApplicationScoped
public class BodySizeLimit {

    static final String PROBLEM = "{\"type\":\"" + ProblemType.PAYLOAD_TOO_LARGE.uri() + "\",\"title\":\""
            + ProblemType.PAYLOAD_TOO_LARGE.title() + "\",\"status\":413,\"detail\":\"The request body is larger than %d bytes\"}";

    static final String UNSUPPORTED_ENCODING = "{\"type\":\"" + ProblemType.MALFORMED_REQUEST.uri() + "\",\"title\":\""
            + ProblemType.MALFORMED_REQUEST.title() + "\",\"status\":400,\"detail\":\"Only Transfer-Encoding: chunked is supported\"}";

    void install(@Observes Router router,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize) {
        long max = maxBodySize.asLongValue();
        String body = PROBLEM.formatted(max);
        router.route().order(Integer.MIN_VALUE).handler(context -> {
            String encoding = context.request().getHeader(HttpHeaders.TRANSFER_ENCODING);
            if (encoding != null && !encoding.strip().equalsIgnoreCase("chunked")) {
                // Only chunked framing is understood; any other coding (gzip, identity, a list)
                // would leave the body's length to guesswork, the root of request smuggling.
                context.response().setStatusCode(400)
                        .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                        .putHeader(HttpHeaders.CONNECTION, "close")
                        .end(UNSUPPORTED_ENCODING);
                return;
            }
            String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && exceeds(length, max)) {
                context.response().setStatusCode(413)
                        .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                        .putHeader(HttpHeaders.CONNECTION, "close")
                        .end(body);
                return;
            }
            context.next();
        });
    }

    private static boolean exceeds(String length, long max) {
        try {
            return Long.parseLong(length.trim()) > max;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
