package dev.digest.common.content;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * What a digest contains ({@code digest.content.*}, {@code DIGEST_CONTENT_*}). The worker
 * (which sends) and the api (which previews) must be given the same values, or a preview
 * would differ from the email.
 */
@ConfigMapping(prefix = "digest.content")
public interface ContentConfig {

    /** Events listed per event type; the rest are counted as "and N more". */
    @WithDefault("20")
    int maxEventsPerType();

    /** How far back the first run of a digest looks for events. */
    @WithDefault("P1D")
    Duration firstWindowLookback();

    /**
     * Public URL of the api's unsubscribe endpoint; each email's link is this URL, a slash and
     * a signed token. RFC 8058 wants it on HTTPS in production.
     */
    @WithDefault("http://localhost:8080/unsubscribe")
    String unsubscribeUrl();
}
