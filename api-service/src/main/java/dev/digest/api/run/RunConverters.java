package dev.digest.api.run;

import dev.digest.api.tenant.WireEnumConverter;
import dev.digest.common.run.EmailStatus;
import dev.digest.common.run.RunStatus;
import dev.digest.common.run.RunTrigger;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.List;

/** Column converters for run and email statuses and run triggers. */
public final class RunConverters {

    private RunConverters() {
    }

    @Converter
    public static class Status extends WireEnumConverter<RunStatus> {
        public Status() {
            super(RunStatus.class);
        }
    }

    @Converter
    public static class Trigger extends WireEnumConverter<RunTrigger> {
        public Trigger() {
            super(RunTrigger.class);
        }
    }

    /**
     * A run's {@code bad_events} JSON array, read as text: Hibernate Reactive maps JSON columns
     * to objects only. The worker writes the column; the API only reads it.
     */
    @Converter
    public static class BadEvents implements AttributeConverter<List<BadEventNote>, String> {

        private static final ObjectMapper JSON = new ObjectMapper();
        private static final TypeReference<List<BadEventNote>> TYPE = new TypeReference<>() {
        };

        @Override
        public String convertToDatabaseColumn(List<BadEventNote> notes) {
            throw new UnsupportedOperationException("bad_events is written by the worker only");
        }

        @Override
        public List<BadEventNote> convertToEntityAttribute(String json) {
            if (json == null || json.isEmpty()) {
                return List.of();
            }
            try {
                return JSON.readValue(json, TYPE);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("bad_events is not a JSON array of notes", e);
            }
        }
    }

    @Converter
    public static class Email extends WireEnumConverter<EmailStatus> {
        public Email() {
            super(EmailStatus.class);
        }
    }
}
