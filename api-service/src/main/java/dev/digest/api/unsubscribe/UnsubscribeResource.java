package dev.digest.api.unsubscribe;

import dev.digest.api.domain.NotFoundException;
import dev.digest.api.openapi.ApiDocumentation;
import dev.digest.api.web.ProblemException;
import dev.digest.api.web.ProblemType;
import dev.digest.common.content.UnsubscribeLinks;
import dev.digest.common.content.UnsubscribeTokens.Subscription;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import java.util.function.Function;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * One-click unsubscribe (RFC 8058). The link in each email is the credential, so no API key
 * is asked for. {@code POST} unsubscribes, whether a mail client sends it
 * ({@code List-Unsubscribe=One-Click}) or the confirmation page's button does; {@code GET}
 * only shows that page, because mail scanners fetch links and must not unsubscribe anyone.
 */
@Path("/unsubscribe/{token}")
@PermitAll
@Tag(name = ApiDocumentation.UNSUBSCRIBE)
public class UnsubscribeResource {

    private final UnsubscribeLinks links;
    private final UnsubscribeStore store;
    private final Template page;

    private final Template errorPage;

    public UnsubscribeResource(UnsubscribeLinks links, UnsubscribeStore store, @Location("unsubscribe.html") Template page,
            @Location("unsubscribe-error.html") Template errorPage) {
        this.links = links;
        this.store = store;
        this.page = page;
        this.errorPage = errorPage;
    }

    @GET
    @Operation(summary = "Show the unsubscribe confirmation page")
    @APIResponse(responseCode = "200", description = "The confirmation page", content = @Content(mediaType = MediaType.TEXT_HTML))
    @APIResponse(responseCode = "400", description = "The link is damaged or outdated")
    public Uni<Response> confirm(@PathParam("token") String token, @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        return forBrowser(accept, verified(token, subscription -> store.state(subscription.digestId(), subscription.recipient())
                .map(state -> {
                    if (state == null) {
                        throw digestGone(subscription.digestId());
                    }
                    return html(page.data("digestName", state.digestName())
                            .data("recipient", subscription.recipient())
                            .data("done", state.unsubscribed()).render());
                })));
    }

    @POST
    @Operation(summary = "Unsubscribe (one click, RFC 8058)")
    @APIResponse(responseCode = "200", description = "Unsubscribed", content = @Content(mediaType = MediaType.TEXT_HTML))
    @APIResponse(responseCode = "400", description = "The link is damaged or outdated")
    public Uni<Response> unsubscribe(@PathParam("token") String token, @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        return forBrowser(accept, verified(token, subscription -> store.unsubscribe(subscription.digestId(), subscription.recipient())
                .map(name -> {
                    if (name == null) {
                        throw digestGone(subscription.digestId());
                    }
                    return html(page.data("digestName", name).data("recipient", subscription.recipient())
                            .data("done", true).render());
                })));
    }

    /**
     * A person who opens a damaged or outdated link in a browser reads a page saying what
     * happened; mail clients and API clients, which do not ask for HTML, keep the problem document.
     */
    private Uni<Response> forBrowser(String accept, Uni<Response> answer) {
        if (!prefersHtml(accept)) {
            return answer;
        }
        return answer.onFailure(failure -> failure instanceof ProblemException || failure instanceof NotFoundException)
                .recoverWithItem(failure -> {
                    int status = failure instanceof ProblemException problem ? problem.toProblem().status() : 404;
                    return Response.fromResponse(html(errorPage.data("gone", status == 404).render())).status(status)
                            .build();
                });
    }

    static boolean prefersHtml(String accept) {
        if (accept == null) {
            return false;
        }
        String value = accept.toLowerCase(java.util.Locale.ROOT);
        int html = value.indexOf("text/html");
        int json = Math.min(index(value, "application/problem+json"), index(value, "application/json"));
        return html >= 0 && html < json;
    }

    private static int index(String value, String type) {
        int at = value.indexOf(type);
        return at < 0 ? Integer.MAX_VALUE : at;
    }

    private Uni<Response> verified(String token, Function<Subscription, Uni<Response>> action) {
        return links.verify(token).chain(subscription -> subscription
                .map(action)
                .orElseGet(() -> Uni.createFrom().failure(new ProblemException(ProblemType.INVALID_TOKEN,
                        "This unsubscribe link is not valid; use the link from a recent email"))));
    }

    private static NotFoundException digestGone(UUID digestId) {
        return new NotFoundException("The digest of this link no longer exists");
    }

    /**
     * The page carries the token in its URL: no referrer may leak it, no cache keep it, no frame
     * show it, and it runs no script.
     */
    private static Response html(String body) {
        return Response.ok(body, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .header("Content-Security-Policy",
                        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
                .header("X-Content-Type-Options", "nosniff")
                .header("X-Frame-Options", "DENY")
                .header("Referrer-Policy", "no-referrer")
                .header("Cache-Control", "no-store")
                .build();
    }
}
