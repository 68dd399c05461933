package dev.digest.api.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Limits on request JSON, applied while it is parsed, before any work: nesting depth, string
 * and number length; no silent conversion of numbers or booleans into text fields; and no
 * string PostgreSQL cannot store (see {@link TextRules}). A breach is a 400 or a 422 naming
 * the field, through {@link ProblemMappers}.
 */
@Singleton
public class JsonHardening implements ObjectMapperCustomizer {

    // The mapper is built during Quarkus' static initialisation, before the typed configuration
    // (ApiConfig) exists, so these two limits are read directly; ApiConfig documents them.
    private static final String MAX_DEPTH = "digest.limits.max-json-depth";
    private static final String MAX_STRING = "digest.limits.max-json-string-length";

    @Override
    public void customize(ObjectMapper mapper) {
        Config config = ConfigProvider.getConfig();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(config.getOptionalValue(MAX_DEPTH, Integer.class).orElse(32))
                .maxStringLength(config.getOptionalValue(MAX_STRING, Integer.class).orElse(1_048_576))
                .maxNumberLength(100)
                .build());
        for (CoercionInputShape shape : new CoercionInputShape[] {
                CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean}) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        mapper.registerModule(new SimpleModule("digest-text").addDeserializer(String.class, new StorableString()));
    }

    /** Jackson's own String reading, then {@link TextRules}. */
    static final class StorableString extends StringDeserializer {

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String value = super.deserialize(parser, context);
            String problem = value == null ? null : TextRules.problem(value);
            if (problem != null) {
                return (String) context.handleWeirdStringValue(String.class, value, problem);
            }
            return value;
        }
    }
}
