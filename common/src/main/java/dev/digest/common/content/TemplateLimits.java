package dev.digest.common.content;

import java.time.Duration;

/** The bounds of {@link ContentConfig.Limits} as plain values, so code outside CDI (and tests) can use them. */
public record TemplateLimits(int maxDepth, int maxExpressionParts, int maxLoopIterations, int maxLoopNodes,
        int maxSubjectChars, int maxPartChars, int maxLineChars, Duration renderTimeout) {

    /** The documented defaults of {@code digest.content.limits.*}. */
    public static final TemplateLimits DEFAULTS = new TemplateLimits(24, 64, 10_000, 200_000, 2_000, 1_000_000, 10_000,
            Duration.ofSeconds(2));

    public TemplateLimits {
        if (maxDepth < 1 || maxExpressionParts < 1 || maxLoopIterations < 1 || maxLoopNodes < 1 || maxSubjectChars < 1
                || maxPartChars < 1 || maxLineChars < 1 || renderTimeout.isNegative() || renderTimeout.isZero()) {
            throw new IllegalArgumentException("digest.content.limits.* must all be positive");
        }
    }

    public static TemplateLimits from(ContentConfig.Limits limits) {
        return new TemplateLimits(limits.maxDepth(), limits.maxExpressionParts(), limits.maxLoopIterations(),
                limits.maxLoopNodes(), limits.maxSubjectChars(), limits.maxPartChars(), limits.maxLineChars(),
                limits.renderTimeout());
    }
}
