package dev.digest.importer;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.quartz.CronExpression;

/**
 * node-cron expressions (minute hour day-of-month month day-of-week, optionally with leading
 * seconds) to the Quartz form the product schedules with, or a refusal that says why.
 *
 * <p>Two things differ. Quartz numbers weekdays 1–7 from Sunday where node-cron uses 0–7 (0 and
 * 7 both Sunday), so weekdays are written out as names. And Quartz takes a day of the month or
 * a day of the week, never both: node-cron fires when either matches, which Quartz cannot say.
 */
public final class CronConversion {

    private static final String[] DAY_NAMES = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
    private static final Map<String, Integer> DAY_NUMBERS = Map.of("SUN", 0, "MON", 1, "TUE", 2, "WED", 3,
            "THU", 4, "FRI", 5, "SAT", 6);

    private CronConversion() {
    }

    /** The Quartz expression, or {@link RowRejected} naming what cannot be converted. */
    public static String toQuartz(String nodeCron) {
        if (nodeCron == null || nodeCron.isBlank()) {
            throw new RowRejected("cron expression is missing");
        }
        String[] fields = nodeCron.trim().split("\\s+");
        if (fields.length != 5 && fields.length != 6) {
            throw new RowRejected("cron '" + nodeCron + "' has " + fields.length + " fields; node-cron takes 5 or 6");
        }
        for (String field : fields) {
            if (!field.matches("[0-9A-Za-z*,/-]+")) {
                throw new RowRejected("cron '" + nodeCron + "' uses '" + field + "', which node-cron does not define");
            }
        }
        int offset = fields.length == 6 ? 1 : 0;
        String seconds = offset == 1 ? fields[0] : "0";
        String minutes = fields[offset];
        String hours = fields[offset + 1];
        String dayOfMonth = fields[offset + 2];
        String month = fields[offset + 3].toUpperCase(Locale.ROOT);
        if (month.matches(".*[A-Z].*/.*")) {
            throw new RowRejected("cron '" + nodeCron + "' steps from a month name, which the product does not take");
        }
        String dayOfWeek = weekdays(nodeCron, fields[offset + 4]);
        boolean anyDayOfMonth = "*".equals(dayOfMonth);
        boolean anyDayOfWeek = "*".equals(dayOfWeek);
        if (!anyDayOfMonth && !anyDayOfWeek) {
            throw new RowRejected("cron '" + nodeCron + "' restricts both the day of the month and the day of the week;"
                    + " node-cron fires when either matches, which a Quartz expression cannot say");
        }
        String quartz = String.join(" ", seconds, minutes, hours,
                anyDayOfWeek ? dayOfMonth : "?", month, anyDayOfWeek ? "?" : dayOfWeek);
        try {
            CronExpression.validateExpression(quartz);
        } catch (ParseException | RuntimeException e) {
            throw new RowRejected("cron '" + nodeCron + "' converts to '" + quartz + "', which is not valid: " + e.getMessage());
        }
        return quartz;
    }

    // Weekdays as a set of days, written back as Quartz names; '*' when every day is in it.
    private static String weekdays(String nodeCron, String field) {
        if ("*".equals(field)) {
            return "*";
        }
        BitSet days = new BitSet(7);
        for (String item : field.toUpperCase(Locale.ROOT).split(",")) {
            String range = item;
            int step = 1;
            int slash = item.indexOf('/');
            if (slash >= 0) {
                range = item.substring(0, slash);
                step = number(nodeCron, item.substring(slash + 1));
                if (step < 1) {
                    throw new RowRejected("cron '" + nodeCron + "' has a step of " + step + " in the day of the week");
                }
            }
            int from;
            int to;
            if ("*".equals(range)) {
                from = 0;
                to = 6;
            } else if (range.contains("-")) {
                String[] ends = range.split("-", 2);
                from = day(nodeCron, ends[0]);
                to = day(nodeCron, ends[1]);
                if (to == 0 && from > 0) {
                    to = 7;
                }
            } else {
                from = day(nodeCron, range);
                to = slash >= 0 ? 6 : from;
            }
            if (from > to) {
                throw new RowRejected("cron '" + nodeCron + "' has a backwards day-of-week range " + range);
            }
            for (int day = from; day <= to; day += step) {
                days.set(day % 7);
            }
        }
        if (days.cardinality() == 7) {
            return "*";
        }
        List<String> names = new ArrayList<>();
        days.stream().forEach(day -> names.add(DAY_NAMES[day]));
        return String.join(",", names);
    }

    private static int day(String nodeCron, String text) {
        Integer named = DAY_NUMBERS.get(text.length() >= 3 ? text.substring(0, 3) : text);
        if (named != null) {
            return named;
        }
        int number = number(nodeCron, text);
        if (number < 0 || number > 7) {
            throw new RowRejected("cron '" + nodeCron + "' has day of the week " + number + "; node-cron takes 0-7");
        }
        return number;
    }

    private static int number(String nodeCron, String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new RowRejected("cron '" + nodeCron + "' has '" + text + "' where a number belongs");
        }
    }
}
