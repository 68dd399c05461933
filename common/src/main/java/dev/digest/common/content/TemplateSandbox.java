package dev.digest.common.content;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.quarkus.qute.Engine;
import io.quarkus.qute.Expression;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateException;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.qute.HtmlEscaper;
import io.quarkus.qute.IfSectionHelper;
import io.quarkus.qute.LoopSectionHelper;
import io.quarkus.qute.SetSectionHelper;
import io.quarkus.qute.ValueResolvers;
import io.quarkus.qute.Variant;
import io.quarkus.qute.WhenSectionHelper;
import io.quarkus.qute.WithSectionHelper;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;

/**
 * The Qute engine for templates that users write (email templates and line templates).
 *
 * <p>It is not the application's engine: that one resolves {@code config:} and {@code inject:}
 * namespaces, which would let a template read configuration or call beans. This one has no
 * namespaces, no locators (so no {@code include}/{@code insert}), no reflection and no
 * {@code raw} escape: a template can only read the plain maps, lists, strings and numbers it
 * is given, and everything it prints into an HTML part is escaped.
 *
 * <p>A template is also bounded ({@link TemplateLimits}): its nesting is measured before it is
 * parsed, its loops are charged to a per-render budget, and its output is counted as it is
 * written, so no template can exhaust the stack, the heap or the time of whoever renders it.
 */
public final class TemplateSandbox {

    // mapperResolver serves Qute's own data map and loop variables; nothing given to a template is a Mapper.
    private static final Engine ENGINE = Engine.builder()
            .addSectionHelper(new IfSectionHelper.Factory())
            .addSectionHelper(new BoundedLoopFactory(new LoopSectionHelper.Factory()))
            .addSectionHelper(new SetSectionHelper.Factory())
            .addSectionHelper(new WithSectionHelper.Factory())
            .addSectionHelper(new WhenSectionHelper.Factory())
            .addValueResolvers(ValueResolvers.mapperResolver(), ValueResolvers.mapResolver(), ValueResolvers.mapEntryResolver(),
                    ValueResolvers.listResolver(), ValueResolvers.collectionResolver(), ValueResolvers.thisResolver(),
                    ValueResolvers.orResolver(), ValueResolvers.orEmpty(), ValueResolvers.trueResolver(),
                    ValueResolvers.logicalAndResolver(), ValueResolvers.logicalOrResolver(),
                    ValueResolvers.numberValueResolver(), ValueResolvers.plusResolver(),
                    ValueResolvers.minusResolver(), ValueResolvers.modResolver(), ValueResolvers.equalsResolver(),
                    new TemplateHelpers())
            .addResultMapper(new HtmlEscaper(List.of(Variant.TEXT_HTML)))
            .strictRendering(true)
            .removeStandaloneLines(true)
            .build();

    // Every run parses its digest's templates and line templates: the same few texts over and
    // over. A parsed template is immutable and safe to share; one that fails is not cached.
    private static final Cache<Parsed, Template> PARSED = Caffeine.newBuilder().maximumSize(2_000).build();

    private TemplateSandbox() {
    }

    private record Parsed(String content, String contentType, TemplateLimits limits) {
    }

    /** {@link #parse(String, Variant, TemplateLimits)} with the default limits. */
    public static Template parse(String content, Variant variant) {
        return parse(content, variant, TemplateLimits.DEFAULTS);
    }

    /**
     * Parses a user's template; {@code TemplateException} (with the position) when it does not
     * parse, nests deeper or chains longer than {@code limits} allow, or names a namespace
     * ({@code config:}, {@code inject:} ...), which nothing here resolves.
     */
    public static Template parse(String content, Variant variant, TemplateLimits limits) {
        Parsed key = new Parsed(content, variant.getContentType(), limits);
        Template known = PARSED.getIfPresent(key);
        if (known != null) {
            return known;
        }
        Template template = parseChecked(content, variant, limits);
        PARSED.put(key, template);
        return template;
    }

    private static Template parseChecked(String content, Variant variant, TemplateLimits limits) {
        TemplateShape.requireWithin(content, limits.maxDepth());
        Template template;
        try {
            template = ENGINE.parse(content, variant);
        } catch (StackOverflowError e) {
            // TemplateShape should have refused it first; this keeps the promise if it did not.
            throw new TemplateLimitException("the template is nested too deeply to parse");
        }
        Expression namespaced = template.findExpression(Expression::hasNamespace);
        if (namespaced != null) {
            throw new TemplateException(namespaced.getOrigin(), "namespace '" + namespaced.getNamespace()
                    + ":' is not available; a template sees only its data");
        }
        for (Expression expression : template.getExpressions()) {
            String method = unknownMethod(expression);
            if (method != null) {
                throw new TemplateException(expression.getOrigin(), "method '" + method
                        + "' is not available; a template can use " + String.join(", ", METHODS));
            }
            if (parts(expression) > limits.maxExpressionParts()) {
                throw new TemplateLimitException("an expression has more than " + limits.maxExpressionParts()
                        + " parts", expression.getOrigin().getLine(), expression.getOrigin().getLineCharacterStart());
            }
        }
        return template;
    }

    private static int parts(Expression expression) {
        int parts = 0;
        for (Expression.Part part : expression.getParts()) {
            parts++;
            if (part.isVirtualMethod()) {
                for (Expression parameter : part.asVirtualMethod().getParameters()) {
                    parts += parts(parameter);
                }
            }
        }
        return parts;
    }

    /**
     * The methods the resolvers above answer (maps, lists, defaults, arithmetic, comparison).
     * Any other call, such as {@code getClass()}, would fail when rendered; it is refused when
     * the template is saved instead.
     */
    static final Set<String> METHODS = new TreeSet<>(Set.of("get", "containsKey", "take", "takeLast", "or", "?:",
            "ifTruthy", "??", "&&", "||", "and", "+", "plus", "-", "minus", "mod", "eq", "==", "is", "ne", "!=", "date", "number", "currency", "truncate", "plural", "default"));

    private static String unknownMethod(Expression expression) {
        for (Expression.Part part : expression.getParts()) {
            if (part.isVirtualMethod()) {
                if (!METHODS.contains(part.getName())) {
                    return part.getName();
                }
                for (Expression parameter : part.asVirtualMethod().getParameters()) {
                    String nested = unknownMethod(parameter);
                    if (nested != null) {
                        return nested;
                    }
                }
            }
        }
        return null;
    }

    /** Renders with the default limits, in UTC. */
    public static String render(Template template, Map<String, Object> data) {
        RenderContext context = RenderContext.start(TemplateLimits.DEFAULTS, ZoneOffset.UTC);
        return render(template, data, context, context.limits().maxPartChars());
    }

    /**
     * Renders with {@code data}'s entries as the template's top-level names (passing the map
     * itself would let map methods such as {@code size} or {@code empty} shadow its keys), within
     * {@code context}'s limits and at most {@code maxChars} characters of output. Every failure,
     * a limit included, is a {@code TemplateException}.
     */
    public static String render(Template template, Map<String, Object> data, RenderContext context, int maxChars) {
        TemplateInstance instance = template.instance();
        data.forEach(instance::data);
        instance.setAttribute(RenderBudget.ATTRIBUTE, new RenderBudget(context.limits(), context.deadlineNanos()));
        instance.setAttribute(TemplateHelpers.ZONE, context.zone());
        StringBuilder out = new StringBuilder();
        try {
            instance.consume(chunk -> {
                if (out.length() + chunk.length() > maxChars) {
                    throw new TemplateLimitException("the output is longer than " + maxChars + " characters");
                }
                out.append(chunk);
            }).toCompletableFuture().join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw cause instanceof TemplateException failed ? failed : new TemplateException(TemplateMessages.describe(cause));
        } catch (StackOverflowError e) {
            throw new TemplateLimitException("the template is nested too deeply to render");
        }
        return out.toString();
    }

    /** The limits, time zone and deadline renders share; the deadline starts with {@link #start}. */
    public record RenderContext(TemplateLimits limits, ZoneId zone, long deadlineNanos) {

        public static RenderContext start(TemplateLimits limits, ZoneId zone) {
            return new RenderContext(limits, zone, System.nanoTime() + limits.renderTimeout().toNanos());
        }
    }
}
