package dev.digest.common.content;

import io.quarkus.qute.TemplateNode;

/**
 * What one render may still spend: loop iterations, the template nodes those iterations
 * produce, and time. Qute builds a render's whole result before writing it out, so the loops
 * are where a render's memory and time go; every loop charges this budget before it runs.
 */
final class RenderBudget {

    /** The template instance attribute a render's budget travels under. */
    static final String ATTRIBUTE = "digest.render-budget";

    private final TemplateLimits limits;
    private final long deadline;
    private long iterations;
    private long nodes;

    RenderBudget(TemplateLimits limits, long deadlineNanos) {
        this.limits = limits;
        this.deadline = deadlineNanos;
    }

    /** Charges a loop about to run {@code size} times over a body of {@code bodyNodes} nodes. */
    void enterLoop(long size, int bodyNodes, TemplateNode.Origin origin) {
        requireTime();
        iterations += size;
        nodes += size * Math.max(1, bodyNodes);
        if (iterations > limits.maxLoopIterations()) {
            throw new TemplateLimitException("loops ran more than " + limits.maxLoopIterations()
                    + " times in one render (nested loops multiply)" + at(origin));
        }
        if (nodes > limits.maxLoopNodes()) {
            throw new TemplateLimitException("loops produced more than " + limits.maxLoopNodes()
                    + " template nodes in one render (a loop's body times its iterations)" + at(origin));
        }
    }

    void requireTime() {
        if (System.nanoTime() - deadline > 0) {
            throw timedOut(limits);
        }
    }

    static TemplateLimitException timedOut(TemplateLimits limits) {
        return new TemplateLimitException("rendering took longer than " + limits.renderTimeout().toMillis() + " ms");
    }

    private static String at(TemplateNode.Origin origin) {
        return origin == null ? "" : " (loop at line " + origin.getLine() + ", column " + origin.getLineCharacterStart() + ")";
    }
}
