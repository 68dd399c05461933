package dev.digest.api.schedule;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Which dates a cron's day fields allow. Quartz has exactly one of day-of-month and day-of-week
 * set to {@code ?}; the other one decides alone.
 */
sealed interface DayRule {

    boolean matches(LocalDate date);

    /** {@code ?} in day-of-month, {@code *} or a value in the other field. */
    static DayRule parse(String dayOfMonth, String dayOfWeek) {
        boolean anyDayOfMonth = dayOfMonth.equals("?");
        boolean anyDayOfWeek = dayOfWeek.equals("?");
        if (anyDayOfMonth == anyDayOfWeek) {
            throw new InvalidCronException("exactly one of day-of-month and day-of-week must be '?'"
                    + " (Quartz does not combine them)");
        }
        return anyDayOfWeek ? DaysOfMonth.parse(dayOfMonth) : DaysOfWeek.parse(dayOfWeek);
    }

    /**
     * Day-of-month: days ({@code 1,15}, {@code 1-10/3}), last days ({@code L}, {@code L-3}),
     * nearest weekdays ({@code 15W}, {@code LW}, {@code L-3W}) in any list. A day a month does not
     * have ({@code 31}, {@code 30W}, {@code L-30} in February) does not fire in that month.
     */
    record DaysOfMonth(BitSet days, BitSet fromLast, List<Integer> nearWeekday, List<Integer> nearWeekdayFromLast)
            implements DayRule {

        static DaysOfMonth parse(String field) {
            BitSet days = new BitSet(32);
            BitSet fromLast = new BitSet(31);
            List<Integer> near = new ArrayList<>();
            List<Integer> nearFromLast = new ArrayList<>();
            for (String item : field.split(",", -1)) {
                if (item.equals("?")) {
                    throw InvalidCronException.in("day-of-month", field, "'?' must stand alone");
                } else if (item.startsWith("L")) {
                    boolean weekday = item.endsWith("W");
                    String offset = item.substring(1, item.length() - (weekday ? 1 : 0));
                    int n = 0;
                    if (!offset.isEmpty()) {
                        if (!offset.startsWith("-")) {
                            throw InvalidCronException.in("day-of-month", item, "after 'L' only '-n' and 'W' may follow");
                        }
                        n = CronField.DAY_OF_MONTH.number(item, offset.substring(1));
                        if (n > 30) {
                            throw InvalidCronException.in("day-of-month", item, "'L-n' needs n between 0 and 30");
                        }
                    }
                    if (weekday) {
                        nearFromLast.add(n);
                    } else {
                        fromLast.set(n);
                    }
                } else if (item.endsWith("W")) {
                    String day = item.substring(0, item.length() - 1);
                    if (day.contains("-") || day.contains("/") || day.contains("*")) {
                        throw InvalidCronException.in("day-of-month", item, "'W' applies to a single day, as in 15W");
                    }
                    near.add(CronField.DAY_OF_MONTH.value(item, day));
                } else if (item.contains("#") || item.contains("L") || item.contains("W")) {
                    throw InvalidCronException.in("day-of-month", item, "not a day-of-month construct");
                } else {
                    days.or(CronField.DAY_OF_MONTH.parseItem(item));
                }
            }
            return new DaysOfMonth(days, fromLast, List.copyOf(near), List.copyOf(nearFromLast));
        }

        @Override
        public boolean matches(LocalDate date) {
            int day = date.getDayOfMonth();
            int last = date.lengthOfMonth();
            if (days.get(day) || fromLast.get(last - day)) {
                return true;
            }
            for (int n : nearWeekday) {
                if (n <= last && nearestWeekday(date.withDayOfMonth(n)) == day) {
                    return true;
                }
            }
            for (int n : nearWeekdayFromLast) {
                if (last - n >= 1 && nearestWeekday(date.withDayOfMonth(last - n)) == day) {
                    return true;
                }
            }
            return false;
        }

        /** Quartz's rule: the weekday nearest to {@code date} without leaving its month. */
        static int nearestWeekday(LocalDate date) {
            int day = date.getDayOfMonth();
            return switch (date.getDayOfWeek()) {
                case SATURDAY -> day == 1 ? 3 : day - 1;
                case SUNDAY -> day == date.lengthOfMonth() ? day - 2 : day + 1;
                default -> day;
            };
        }
    }

    /**
     * Day-of-week, 1 = Sunday to 7 = Saturday as in Quartz: days, names, ranges and steps in
     * lists; {@code L} alone (Saturday); the last given weekday of the month ({@code 6L},
     * {@code FRIL}); the n-th given weekday ({@code 2#1}). The last two stand alone: Quartz
     * evaluates them wrongly inside a list.
     */
    record DaysOfWeek(BitSet days, int lastOf, int nthOf, int nth) implements DayRule {

        static DaysOfWeek parse(String field) {
            if (field.equals("L")) {
                return new DaysOfWeek(CronField.DAY_OF_WEEK.parseItem("7"), 0, 0, 0);
            }
            boolean list = field.contains(",");
            int hash = field.indexOf('#');
            if (hash >= 0) {
                if (list) {
                    throw InvalidCronException.in("day-of-week", field, "'#' cannot be combined with other days in a list");
                }
                int day = CronField.DAY_OF_WEEK.value(field, field.substring(0, hash));
                int n = CronField.DAY_OF_WEEK.number(field, field.substring(hash + 1));
                if (n < 1 || n > 5) {
                    throw InvalidCronException.in("day-of-week", field, "the n in 'day#n' must be between 1 and 5");
                }
                return new DaysOfWeek(new BitSet(), 0, day, n);
            }
            if (field.length() > 1 && field.endsWith("L")) {
                if (list) {
                    throw InvalidCronException.in("day-of-week", field, "'L' cannot be combined with other days in a list");
                }
                String day = field.substring(0, field.length() - 1);
                return new DaysOfWeek(new BitSet(), CronField.DAY_OF_WEEK.value(field, day), 0, 0);
            }
            for (String item : field.split(",", -1)) {
                if (item.equals("?") || item.contains("L") || item.contains("W")) {
                    throw InvalidCronException.in("day-of-week", item, item.equals("?") ? "'?' must stand alone"
                            : "'L' and 'W' cannot be combined with other days in a list");
                }
            }
            return new DaysOfWeek(CronField.DAY_OF_WEEK.parseList(field), 0, 0, 0);
        }

        @Override
        public boolean matches(LocalDate date) {
            int dow = quartzDay(date.getDayOfWeek());
            if (nthOf > 0) {
                return dow == nthOf && (date.getDayOfMonth() - 1) / 7 + 1 == nth;
            }
            if (lastOf > 0) {
                return dow == lastOf && date.getDayOfMonth() + 7 > date.lengthOfMonth();
            }
            return days.get(dow);
        }

        static int quartzDay(DayOfWeek day) {
            return day.getValue() % 7 + 1;
        }
    }
}
