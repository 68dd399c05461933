package dev.digest.common.content;

import io.quarkus.qute.Expression;
import io.quarkus.qute.LoopSectionHelper;
import io.quarkus.qute.Scope;
import io.quarkus.qute.SectionBlock;
import io.quarkus.qute.SectionHelper;
import io.quarkus.qute.SectionHelperFactory;
import io.quarkus.qute.TemplateException;
import io.quarkus.qute.TemplateNode;
import java.lang.reflect.Array;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Qute's {@code for}/{@code each}, bounded. It refuses to iterate over a number (Qute would count
 * up to it: {@code {#for i in 2000000000}}), and before a loop runs it charges the render's
 * {@link RenderBudget} with its iterations: a limit per loop would not stop loops nested in
 * loops, whose cost multiplies.
 */
final class BoundedLoopFactory implements SectionHelperFactory<SectionHelper> {

    private static final String NUMBER = "a loop cannot count up to a number; loop over a list";

    private final LoopSectionHelper.Factory delegate;

    BoundedLoopFactory(LoopSectionHelper.Factory delegate) {
        this.delegate = delegate;
    }

    @Override
    public List<String> getDefaultAliases() {
        return delegate.getDefaultAliases();
    }

    @Override
    public ParametersInfo getParameters() {
        return delegate.getParameters();
    }

    @Override
    public List<String> getBlockLabels() {
        return delegate.getBlockLabels();
    }

    @Override
    public Scope initializeBlock(Scope previousScope, BlockInfo block) {
        return delegate.initializeBlock(previousScope, block);
    }

    @Override
    public SectionHelper initialize(SectionInitContext context) {
        SectionHelper loop = delegate.initialize(context);
        Expression iterable = context.getExpression("iterable");
        if (iterable != null && iterable.isLiteral() && iterable.getLiteral() instanceof Number) {
            throw new TemplateException(context.getOrigin(), NUMBER);
        }
        TemplateNode.Origin origin = context.getOrigin();
        int bodyNodes = count(context.getBlocks());
        return resolution -> iterable == null ? loop.resolve(resolution)
                : resolution.evaluate(iterable).thenCompose(value -> {
                    if (value instanceof Number) {
                        return CompletableFuture.failedFuture(new TemplateException(origin, NUMBER));
                    }
                    Object budget = resolution.resolutionContext().getAttribute(RenderBudget.ATTRIBUTE);
                    if (budget instanceof RenderBudget render) {
                        try {
                            render.enterLoop(size(value), bodyNodes, origin);
                        } catch (TemplateException e) {
                            return CompletableFuture.failedFuture(e);
                        }
                    }
                    return loop.resolve(resolution);
                });
    }

    /** Iterations a value gives; anything Qute iterates that is not a sized container counts as one. */
    private static long size(Object value) {
        if (value instanceof Collection<?> collection) {
            return collection.size();
        }
        if (value instanceof Map<?, ?> map) {
            return map.size();
        }
        if (value != null && value.getClass().isArray()) {
            return Array.getLength(value);
        }
        return 1;
    }

    private static int count(List<SectionBlock> blocks) {
        int nodes = 0;
        for (SectionBlock block : blocks) {
            if (block.nodes != null) {
                for (TemplateNode node : block.nodes) {
                    nodes += 1 + (node.isSection() ? count(node.asSection().getBlocks()) : 0);
                }
            }
        }
        return nodes;
    }
}
