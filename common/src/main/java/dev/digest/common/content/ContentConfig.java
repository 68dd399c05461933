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

    /** Bounds on what one template may cost; checked when a template is saved and while it renders. */
    Limits limits();

    /**
     * A template is written by a tenant, so it is treated as untrusted code: every way it could
     * make a render long, deep or large has a ceiling. The defaults leave ordinary digests far
     * below them.
     */
    interface Limits {

        /** Sections ({@code #if}, {@code #for} ...) and brackets nested in one another; deeper is refused when saved. */
        @WithDefault("24")
        int maxDepth();

        /** Parts of one expression ({@code a.b ?: c ?: d} has four); longer chains are refused when saved. */
        @WithDefault("64")
        int maxExpressionParts();

        /** Loop iterations in one render, nested loops included. */
        @WithDefault("10000")
        int maxLoopIterations();

        /** Template nodes produced by loops in one render: iterations weighted by the size of the loop's body. */
        @WithDefault("200000")
        int maxLoopNodes();

        /** Characters of a rendered subject (before folding it onto one line). */
        @WithDefault("2000")
        int maxSubjectChars();

        /** Characters of a rendered HTML or text part. */
        @WithDefault("1000000")
        int maxPartChars();

        /** Characters of one event's rendered line. */
        @WithDefault("10000")
        int maxLineChars();

        /** Time one render (or one preparation of a digest's lines) may take before it is abandoned. */
        @WithDefault("PT2S")
        Duration renderTimeout();
    }
}
