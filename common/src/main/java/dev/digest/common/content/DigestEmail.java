package dev.digest.common.content;

import dev.digest.common.digest.EmptyWindowPolicy;
import io.smallrye.mutiny.Uni;
import java.util.Set;

/**
 * The email of one digest over one window, gathered and prepared once, ready to render for
 * each recipient. The preview and the worker both get theirs from {@link DigestEmails}, so the
 * preview is the email: same reads, same preparation, same skip rule, same links.
 */
public final class DigestEmail {

    private final DigestSnapshot digest;
    private final Window window;
    private final DigestComposer.Prepared prepared;
    private final Set<String> unsubscribed;
    private final UnsubscribeTokens signer;
    private final DigestComposer composer;
    private final UnsubscribeLinks links;

    DigestEmail(DigestSnapshot digest, Window window, DigestComposer.Prepared prepared, Set<String> unsubscribed,
            UnsubscribeTokens signer, DigestComposer composer, UnsubscribeLinks links) {
        this.digest = digest;
        this.window = window;
        this.prepared = prepared;
        this.unsubscribed = unsubscribed;
        this.signer = signer;
        this.composer = composer;
        this.links = links;
    }

    public DigestSnapshot digest() {
        return digest;
    }

    public Window window() {
        return window;
    }

    public DigestComposer.Prepared prepared() {
        return prepared;
    }

    /** No events, and the digest skips empty windows: a scheduled or manual run sends nothing. */
    public boolean wouldSkip() {
        return prepared.eventCount() == 0 && digest.emptyWindow() == EmptyWindowPolicy.SKIP;
    }

    /** The recipient unsubscribed from this digest, or is suppressed in its application. */
    public boolean unsubscribed(String recipient) {
        return unsubscribed.contains(Addresses.normalize(recipient));
    }

    public String unsubscribeUrl(String recipient) {
        return links.url(signer, digest.id(), recipient);
    }

    /**
     * This recipient's email, rendered off the event loop within the template limits; fails
     * with the template's error as the preparation would.
     */
    public Uni<RenderedEmail> render(String recipient) {
        return composer.renderAsync(prepared, recipient, unsubscribeUrl(recipient));
    }
}
