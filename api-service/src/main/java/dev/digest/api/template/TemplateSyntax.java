package dev.digest.api.template;

import dev.digest.api.web.ProblemException;
import dev.digest.api.web.Violation;
import dev.digest.common.content.ContentConfig;
import dev.digest.common.content.TemplateLimitException;
import dev.digest.common.content.TemplateLimits;
import dev.digest.common.content.TemplateMessages;
import dev.digest.common.content.TemplateSandbox;
import io.quarkus.qute.TemplateException;
import io.quarkus.qute.Variant;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks user-written templates with the sandbox the worker renders them in, so a broken one,
 * or one reaching for something outside its data ({@code include}, {@code config:},
 * {@code inject:}), or one nested or chained past the configured limits, is refused when it is
 * saved, not when it is sent.
 */
@ApplicationScoped
public class TemplateSyntax {

    private static final Variant TEXT = Variant.forContentType(Variant.TEXT_PLAIN);

    private final TemplateLimits limits;

    public TemplateSyntax(ContentConfig content) {
        this.limits = TemplateLimits.from(content.limits());
    }

    /** Refuses with a 422 naming each field whose template does not parse, and where. Null fields are skipped. */
    public void requireValid(Map<String, String> templatesByField) {
        List<Violation> violations = new ArrayList<>();
        templatesByField.forEach((field, content) -> {
            if (content != null) {
                String error = parseError(content);
                if (error != null) {
                    violations.add(new Violation(field, error));
                }
            }
        });
        if (!violations.isEmpty()) {
            throw ProblemException.invalid(violations);
        }
    }

    public static Map<String, String> fields(String... fieldAndContent) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i + 1 < fieldAndContent.length; i += 2) {
            fields.put(fieldAndContent[i], fieldAndContent[i + 1]);
        }
        return fields;
    }

    private String parseError(String content) {
        try {
            TemplateSandbox.parse(content, TEXT, limits);
            return null;
        } catch (TemplateException e) {
            return describe(e);
        }
    }

    private static String describe(TemplateException e) {
        if (e instanceof TemplateLimitException limit && limit.line() > 0) {
            return "is not a valid template at line " + limit.line() + ", column " + limit.column() + ": "
                    + limit.getMessage();
        }
        String message = e.getMessage() == null ? "does not parse" : e.getMessage();
        // Qute prefixes the template's internal id; the client knows the template by its field.
        int bracket = message.indexOf("] ");
        if (message.startsWith("Parser error") && bracket > 0) {
            message = message.substring(bracket + 2);
        }
        if (e.getOrigin() != null) {
            return "is not a valid template at line " + e.getOrigin().getLine()
                    + ", column " + e.getOrigin().getLineCharacterStart() + ": " + TemplateMessages.describe(
                            new TemplateException(message));
        }
        return "is not a valid template: " + TemplateMessages.describe(e);
    }
}
