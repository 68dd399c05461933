package dev.digest.common.content;

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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Qute engine for templates that users write (email templates and line templates).
 *
 * <p>It is not the application's engine: that one resolves {@code config:} and {@code inject:}
 * namespaces, which would let a template read configuration or call beans. This one has no
 * namespaces, no locators (so no {@code include}/{@code insert}), no reflection and no
 * {@code raw} escape: a template can only read the plain maps, lists, strings and numbers it
 * is given, and everything it prints into an HTML part is escaped.
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
                    ValueResolvers.minusResolver(), ValueResolvers.modResolver(), ValueResolvers.equalsResolver())
            .addResultMapper(new HtmlEscaper(List.of(Variant.TEXT_HTML)))
            .strictRendering(true)
            .removeStandaloneLines(true)
            .build();

    private TemplateSandbox() {
    }

    /**
     * Parses a user's template; {@code TemplateException} (with the position) when it does not
     * parse or names a namespace ({@code config:}, {@code inject:} ...), which nothing here resolves.
     */
    public static Template parse(String content, Variant variant) {
        Template template = ENGINE.parse(content, variant);
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
        }
        return template;
    }

    /**
     * The methods the resolvers above answer (maps, lists, defaults, arithmetic, comparison).
     * Any other call, such as {@code getClass()}, would fail when rendered; it is refused when
     * the template is saved instead.
     */
    static final Set<String> METHODS = new TreeSet<>(Set.of("get", "containsKey", "take", "takeLast", "or", "?:",
            "ifTruthy", "??", "&&", "||", "and", "+", "plus", "-", "minus", "mod", "eq", "==", "is", "ne", "!="));

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

    /**
     * Renders with {@code data}'s entries as the template's top-level names. (Passing the map
     * itself would let map methods such as {@code size} or {@code empty} shadow its keys.)
     */
    public static String render(Template template, Map<String, Object> data) {
        TemplateInstance instance = template.instance();
        data.forEach(instance::data);
        return instance.render();
    }
}
