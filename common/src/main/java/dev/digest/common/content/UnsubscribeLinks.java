package dev.digest.common.content;

import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Issues and checks unsubscribe links. The signing key lives in the database
 * ({@code digest_signing_keys}), so every replica of both services shares it without any
 * configuration; it is read once and kept.
 */
@Singleton
public class UnsubscribeLinks {

    static final String KEY_NAME = "unsubscribe";

    private final ContentStore store;
    private final String baseUrl;
    private final AtomicReference<UnsubscribeTokens> tokens = new AtomicReference<>();

    public UnsubscribeLinks(ContentStore store, ContentConfig config) {
        this.store = store;
        String url = config.unsubscribeUrl();
        this.baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** The signer, read from the database on first use; a failed read is tried again next time. */
    public Uni<UnsubscribeTokens> tokens() {
        UnsubscribeTokens known = tokens.get();
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        return store.signingKey(KEY_NAME).map(secret -> {
            tokens.compareAndSet(null, new UnsubscribeTokens(secret));
            return tokens.get();
        });
    }

    public String url(UnsubscribeTokens signer, UUID digestId, String recipient) {
        return baseUrl + "/" + signer.issue(digestId, recipient);
    }

    public Uni<Optional<UnsubscribeTokens.Subscription>> verify(String token) {
        return tokens().map(signer -> signer.verify(token));
    }
}
