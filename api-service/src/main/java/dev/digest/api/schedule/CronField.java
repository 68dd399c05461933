package dev.digest.api.schedule;

import java.util.BitSet;
import java.util.Map;

/**
 * One plain cron field (seconds, minutes, hours, day-of-month numbers, month, day-of-week, year)
 * as the set of values it allows, read the way Quartz reads it: {@code *}, values, names,
 * ranges (wrapping past the field's end, as {@code FRI-MON} does), and steps.
 */
record CronField(String name, int min, int max, Map<String, Integer> names) {

    static final CronField SECONDS = new CronField("seconds", 0, 59, Map.of());
    static final CronField MINUTES = new CronField("minutes", 0, 59, Map.of());
    static final CronField HOURS = new CronField("hours", 0, 23, Map.of());
    static final CronField DAY_OF_MONTH = new CronField("day-of-month", 1, 31, Map.of());
    static final CronField MONTH = new CronField("month", 1, 12, Map.ofEntries(Map.entry("JAN", 1),
            Map.entry("FEB", 2), Map.entry("MAR", 3), Map.entry("APR", 4), Map.entry("MAY", 5), Map.entry("JUN", 6),
            Map.entry("JUL", 7), Map.entry("AUG", 8), Map.entry("SEP", 9), Map.entry("OCT", 10), Map.entry("NOV", 11),
            Map.entry("DEC", 12)));
    static final CronField DAY_OF_WEEK = new CronField("day-of-week", 1, 7, Map.of("SUN", 1, "MON", 2, "TUE", 3,
            "WED", 4, "THU", 5, "FRI", 6, "SAT", 7));
    // Quartz stops looking for fire times after 2999; years before 1970 are refused as cron-utils did.
    static final CronField YEAR = new CronField("year", 1970, 2999, Map.of());

    /** The values a comma-separated list allows. */
    BitSet parseList(String text) {
        BitSet values = new BitSet(max + 1);
        for (String item : text.split(",", -1)) {
            values.or(parseItem(item));
        }
        return values;
    }

    /** The values one list item ({@code *}, {@code 5}, {@code 1-5}, {@code 0/15}, {@code 9-17/2}) allows. */
    BitSet parseItem(String item) {
        if (item.isEmpty()) {
            throw InvalidCronException.in(name, item, "an empty list item");
        }
        String range = item;
        int step = 1;
        int slash = item.indexOf('/');
        if (slash >= 0) {
            range = item.substring(0, slash);
            step = number(item, item.substring(slash + 1));
            if (step < 1 || step > max - min + 1) {
                throw InvalidCronException.in(name, item, "a step must be between 1 and " + (max - min + 1));
            }
            if (!range.isEmpty() && !range.equals("*") && names.containsKey(range.split("-")[0])) {
                // Quartz ignores a step after a name; refusing it is better than firing on days nobody asked for.
                throw InvalidCronException.in(name, item, "a step after a name is not supported; use numbers");
            }
        }
        int start;
        int end;
        boolean open = false;
        if (range.isEmpty() || range.equals("*")) {
            start = min;
            end = max;
        } else {
            int dash = range.indexOf('-', 1);
            start = value(item, dash < 0 ? range : range.substring(0, dash));
            end = dash < 0 ? start : value(item, range.substring(dash + 1));
            open = dash < 0 && slash >= 0;
        }
        if (open) {
            end = max;
        }
        BitSet values = new BitSet(max + 1);
        int span = max - min + 1;
        if (end < start) {
            if (this == YEAR) {
                throw InvalidCronException.in(name, item, "a range of years must not end before it starts");
            }
            end += span;
        }
        for (int v = start; v <= end; v += step) {
            values.set(v > max ? v - span : v);
        }
        return values;
    }

    int value(String item, String text) {
        Integer named = names.get(text);
        int v = named != null ? named : number(item, text);
        if (v < min || v > max) {
            throw InvalidCronException.in(name, item, "values must be between " + min + " and " + max);
        }
        return v;
    }

    int number(String item, String text) {
        if (text.isEmpty() || text.length() > 4 || !text.chars().allMatch(Character::isDigit)) {
            throw InvalidCronException.in(name, item, "'" + text + "' is not a number"
                    + (names.isEmpty() ? "" : " or a name such as " + names.keySet().stream().sorted().findFirst().get()));
        }
        return Integer.parseInt(text);
    }
}
