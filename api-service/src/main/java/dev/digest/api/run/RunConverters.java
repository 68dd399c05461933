package dev.digest.api.run;

import dev.digest.api.tenant.WireEnumConverter;
import dev.digest.common.run.EmailStatus;
import dev.digest.common.run.RunStatus;
import dev.digest.common.run.RunTrigger;
import jakarta.persistence.Converter;

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

    @Converter
    public static class Email extends WireEnumConverter<EmailStatus> {
        public Email() {
            super(EmailStatus.class);
        }
    }
}
