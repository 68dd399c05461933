package dev.digest.api.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/** Quartz cron expressions, parsed as quarkus-scheduler parses them, and their next fire instants in a time zone. */
public final class CronSchedule {

    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));

    private CronSchedule() {
    }

    /** Why {@code expression} is not a valid Quartz cron, or empty when it is. */
    public static Optional<String> problemWith(String expression) {
        try {
            PARSER.parse(expression).validate();
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of("is not a valid Quartz cron expression (seconds minutes hours day-of-month month"
                    + " day-of-week [year]): " + e.getMessage());
        }
    }

    /** The first fire instant strictly after {@code after}, evaluated in {@code zone}; empty if it never fires again. */
    public static Optional<Instant> nextAfter(String expression, ZoneId zone, Instant after) {
        Cron cron = PARSER.parse(expression);
        return ExecutionTime.forCron(cron).nextExecution(after.atZone(zone)).map(time -> time.toInstant());
    }
}
