package dev.digest.common.content;

import io.quarkus.qute.Expression;
import io.quarkus.qute.LoopSectionHelper;
import io.quarkus.qute.Scope;
import io.quarkus.qute.SectionHelper;
import io.quarkus.qute.SectionHelperFactory;
import io.quarkus.qute.TemplateException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Qute's {@code for}/{@code each}, refusing to iterate over a number. Qute counts up to an
 * integer ({@code {#for i in 2000000000}}), so a template or a payload value could keep a
 * worker busy for minutes; digests only need to walk lists and maps.
 */
final class BoundedLoopFactory implements SectionHelperFactory<SectionHelper> {

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
            throw new TemplateException(context.getOrigin(), "a loop cannot count up to a number; loop over a list");
        }
        return resolution -> iterable == null ? loop.resolve(resolution)
                : resolution.evaluate(iterable).thenCompose(value -> value instanceof Number
                        ? CompletableFuture.failedFuture(new TemplateException(context.getOrigin(),
                                "a loop cannot count up to a number; loop over a list"))
                        : loop.resolve(resolution));
    }
}
