package dev.digest.api.schedule;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Quartz cron expressions (see {@link QuartzCron}) and their fire instants in a time zone, with daylight saving handled by rule rather than by library accident:
 *
 * <ul>
 * <li>the cron is matched against local wall-clock time, as a person reading it means it;
 * <li>a local time that does not exist (spring forward) fires once, at the first valid
 * instant after it: the instant the clocks jump;
 * <li>a local time that occurs twice (fall back) fires once, at its first occurrence;
 * <li>several local times that land on the same instant fire once.
 * </ul>
 */
public final class CronSchedule {

    // Parsing dominates the dispatcher's CPU time when every digest is parsed on every due instant.
    private static final Map<String, QuartzCron> CACHE = new ConcurrentHashMap<>();
    private static final int CACHE_LIMIT = 10_000;
    // No Quartz cron needs more candidates than this to move past one instant; it bounds the
    // search for expressions that never fire again (a past year).
    private static final int MAX_CANDIDATES = 1_000;

    private CronSchedule() {
    }

    // Every valid expression fires at least once after this; one that does not can never fire.
    private static final LocalDateTime EPOCH = LocalDateTime.of(1970, 1, 1, 0, 0);

    /**
     * Why {@code expression} is refused, naming the field and construct, or empty when it is a
     * Quartz cron this class evaluates (and that fires at all).
     */
    public static Optional<String> problemWith(String expression) {
        try {
            if (cron(expression).nextAfter(EPOCH).isEmpty()) {
                return Optional.of("never fires: no date matches its day-of-month, month and year fields");
            }
            return Optional.empty();
        } catch (InvalidCronException e) {
            return Optional.of("is not a supported Quartz cron expression (seconds minutes hours day-of-month month"
                    + " day-of-week [year]): " + e.getMessage());
        }
    }

    /** The first fire instant strictly after {@code after}, in {@code zone}; empty if it never fires again. */
    public static Optional<Instant> nextAfter(String expression, ZoneId zone, Instant after) {
        QuartzCron cron = cron(expression);
        ZoneRules rules = zone.getRules();
        // Cron fields are wall-clock fields: search in local time (as if in a zone without
        // daylight saving), then place each candidate on the time line by the rules above.
        LocalDateTime cursor = LocalDateTime.ofInstant(after, zone);
        for (int i = 0; i < MAX_CANDIDATES; i++) {
            Optional<LocalDateTime> candidate = cron.nextAfter(cursor);
            if (candidate.isEmpty()) {
                return Optional.empty();
            }
            LocalDateTime local = candidate.get();
            Instant instant = instantOf(local, rules);
            if (instant.isAfter(after)) {
                return Optional.of(instant);
            }
            // Only a repeated local time can land at or before {@code after}: its first occurrence
            // has passed, and so has every other one of that overlap; jump past the overlap at once.
            ZoneOffsetTransition overlap = rules.getTransition(local);
            cursor = overlap != null && overlap.isOverlap() && overlap.getDateTimeBefore().isAfter(local)
                    ? overlap.getDateTimeBefore().minusSeconds(1) : local;
        }
        return Optional.empty();
    }

    /** The next {@code count} fire instants strictly after {@code after}. */
    public static List<Instant> next(String expression, ZoneId zone, Instant after, int count) {
        List<Instant> instants = new java.util.ArrayList<>(count);
        Instant cursor = after;
        while (instants.size() < count) {
            Optional<Instant> next = nextAfter(expression, zone, cursor);
            if (next.isEmpty()) {
                break;
            }
            instants.add(next.get());
            cursor = next.get();
        }
        return instants;
    }

    /** Where a wall-clock time falls: its first occurrence, or the end of the gap it lies in. */
    static Instant instantOf(LocalDateTime local, ZoneRules rules) {
        List<ZoneOffset> offsets = rules.getValidOffsets(local);
        if (offsets.isEmpty()) {
            return rules.getTransition(local).getInstant();
        }
        Instant first = local.toInstant(offsets.get(0));
        for (ZoneOffset offset : offsets) {
            Instant other = local.toInstant(offset);
            if (other.isBefore(first)) {
                first = other;
            }
        }
        return first;
    }

    private static QuartzCron cron(String expression) {
        QuartzCron cached = CACHE.get(expression);
        if (cached != null) {
            return cached;
        }
        if (CACHE.size() >= CACHE_LIMIT) {
            CACHE.clear();
        }
        QuartzCron parsed = QuartzCron.parse(expression);
        CACHE.put(expression, parsed);
        return parsed;
    }
}
