package dev.digest.api.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.UntypedObjectDeserializer;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
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
 * and number length; nothing after the document; no silent conversion of numbers or booleans
 * into text fields; no string PostgreSQL cannot store (see {@link TextRules}); no number beyond
 * a double's range (it would become Infinity); instants only as ISO-8601 text between 1970 and
 * 9999. A breach is a 400 or a 422 naming the field, through {@link ProblemMappers}.
 */
@Singleton
public class JsonHardening implements ObjectMapperCustomizer {

    // The mapper is built during Quarkus' static initialisation, before the typed configuration
    // (ApiConfig) exists, so these two limits are read by name; ApiConfig declares and validates
    // them, and their one default is in application.properties, which is read by then.
    private static final String MAX_DEPTH = "digest.limits.max-json-depth";
    private static final String MAX_STRING = "digest.limits.max-json-string-length";

    /** Last, after Quarkus registers its modules: of two deserializers for a type, the later one wins. */
    @Override
    public int priority() {
        return MINIMUM_PRIORITY;
    }

    @Override
    public void customize(ObjectMapper mapper) {
        Config config = ConfigProvider.getConfig();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(config.getValue(MAX_DEPTH, Integer.class))
                .maxStringLength(config.getValue(MAX_STRING, Integer.class))
                .maxNumberLength(100)
                .build());
        for (CoercionInputShape shape : new CoercionInputShape[] {
                CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean}) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        // "{...} garbage" or two documents in one body are a malformed body, not the first document.
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.registerModule(new SimpleModule("digest-text")
                .addDeserializer(String.class, new StorableString())
                .addDeserializer(Object.class, new FiniteUntyped())
                .addDeserializer(OffsetDateTime.class, new SaneInstant()));
    }

    /** Untyped values (sample payloads) whose floating-point numbers must be finite. */
    static final class FiniteUntyped extends UntypedObjectDeserializer {

        @Override
        public Object deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.currentToken() == JsonToken.VALUE_NUMBER_FLOAT && !Double.isFinite(parser.getDoubleValue())) {
                return context.handleWeirdNumberValue(Double.class, parser.getDoubleValue(),
                        "is beyond the range of a number");
            }
            return super.deserialize(parser, context);
        }
    }

    /**
     * An instant as ISO-8601 text with an offset, between 1970 and the end of 9999: not a
     * number of seconds, not a year PostgreSQL would store as infinity, nothing after it.
     */
    static final class SaneInstant extends StdScalarDeserializer<OffsetDateTime> {

        private static final OffsetDateTime EARLIEST = OffsetDateTime.parse("1970-01-01T00:00:00Z");
        private static final OffsetDateTime LATEST = OffsetDateTime.parse("9999-12-31T23:59:59.999999Z");

        SaneInstant() {
            super(OffsetDateTime.class);
        }

        @Override
        public OffsetDateTime deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.currentToken() != JsonToken.VALUE_STRING) {
                return (OffsetDateTime) context.handleUnexpectedToken(OffsetDateTime.class, parser);
            }
            String text = parser.getText();
            OffsetDateTime value;
            try {
                value = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            } catch (DateTimeParseException e) {
                return (OffsetDateTime) context.handleWeirdStringValue(OffsetDateTime.class, text,
                        "is not an ISO-8601 instant with an offset");
            }
            if (value.isBefore(EARLIEST) || value.isAfter(LATEST)) {
                return (OffsetDateTime) context.handleWeirdStringValue(OffsetDateTime.class, text,
                        "must be between 1970 and 9999");
            }
            return value;
        }
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
