package dev.digest.api.schedule;

import dev.digest.common.digest.MissedRunPolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * What one due digest gets at one dispatch: the instant its run is scheduled for (or none),
 * its next instant after now, and how many due instants were folded into that run or dropped;
 * with no next instant, why (the digest stops, visibly).
 *
 * <p>Instants missed while nothing dispatched (every replica down) are coalesced into one run
 * for the latest of them by default, whose window then covers the whole gap; with the
 * {@code skip} policy only an instant within the misfire grace runs, the others are dropped.
 */
public record DispatchPlan(Instant scheduledFor, Instant next, int missed, String scheduleError) {

    // Past this many missed instants the search jumps to the last hour before now: a cron that
    // fired that often will have fired there too, and the latest instant is all that matters.
    private static final int WALK_LIMIT = 10_000;
    private static final Duration JUMP_BACK = Duration.ofHours(1);

    /** A digest whose schedule cannot be evaluated: no run, no next instant, and why. */
    public static DispatchPlan stopped(String why) {
        return new DispatchPlan(null, null, 0, why);
    }

    public static DispatchPlan of(String cron, ZoneId zone, Instant due, MissedRunPolicy policy, Instant now,
            Duration misfireGrace) {
        Instant latest = due;
        int instants = 1;
        Instant cursor = due;
        boolean jumped = false;
        Optional<Instant> next;
        while ((next = CronSchedule.nextAfter(cron, zone, cursor)).isPresent() && !next.get().isAfter(now)) {
            latest = next.get();
            instants++;
            cursor = latest;
            if (instants > WALK_LIMIT && !jumped && cursor.isBefore(now.minus(JUMP_BACK))) {
                cursor = now.minus(JUMP_BACK);
                jumped = true;
            }
        }
        Instant following = next.orElse(null);
        String error = following == null ? "the cron has no fire instant after " + cursor : null;
        boolean onTime = Duration.between(latest, now).compareTo(misfireGrace) <= 0;
        if (policy == MissedRunPolicy.SKIP && !onTime) {
            return new DispatchPlan(null, following, instants, error);
        }
        return new DispatchPlan(latest, following, instants - 1, error);
    }
}
