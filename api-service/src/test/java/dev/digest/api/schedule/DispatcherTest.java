package dev.digest.api.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.digest.api.support.Tenant;
import dev.digest.common.job.JobQueueConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import org.awaitility.Awaitility;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher against the real PostgreSQL and Redis, driven with chosen instants rather
 * than its timer (which is off in tests).
 */
@QuarkusTest
class DispatcherTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    Dispatcher dispatcher;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    JobQueueConfig queue;

    @Inject
    MeterRegistry registry;

    /** Inserts {@code count} enabled digests of the tenant directly, due at {@code nextRunAt}; returns their ids. */
    private List<UUID> digests(Tenant tenant, int count, String cron, String zone, String missedRuns, Instant nextRunAt) {
        String template = tenant.emailTemplate();
        return pool.preparedQuery("""
                INSERT INTO digest_digests (id, application_id, name, cron, time_zone, recipients, email_template_id,
                                            enabled, missed_runs, next_run_at)
                SELECT gen_random_uuid(), $1, 'Scheduled ' || n, $2, $3, ARRAY['ops@example.com'], $4, true, $5, $6
                FROM generate_series(1, $7) AS n
                RETURNING id
                """).execute(Tuple.tuple(List.of(UUID.fromString(tenant.applicationId()), cron, zone,
                        UUID.fromString(template), missedRuns, nextRunAt.atOffset(ZoneOffset.UTC), count)))
                .await().atMost(WAIT).stream().map(row -> row.getUUID("id")).toList();
    }

    private List<Instant> scheduledRuns(UUID digest) {
        List<Instant> instants = new ArrayList<>();
        for (Row row : pool.preparedQuery("SELECT scheduled_for FROM digest_runs WHERE digest_id = $1"
                + " AND trigger = 'scheduled' ORDER BY scheduled_for").execute(Tuple.of(digest)).await().atMost(WAIT)) {
            instants.add(row.getOffsetDateTime("scheduled_for").toInstant());
        }
        return instants;
    }

    private Row digestRow(UUID digest) {
        return pool.preparedQuery("SELECT next_run_at, last_run_at FROM digest_digests WHERE id = $1")
                .execute(Tuple.of(digest)).await().atMost(WAIT).iterator().next();
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    @Test
    void twoDispatchersRacingOverAThousandDueDigestsCreateOneRunAndOneJobEach() {
        Tenant tenant = Tenant.create();
        Instant now = Instant.now();
        List<UUID> ids = digests(tenant, 1000, "0 0 8 * * ?", "Europe/Paris", "coalesce", now.minus(Duration.ofDays(1)));

        List<Dispatcher.DispatchReport> reports = Uni.join().all(dispatcher.dispatch(now), dispatcher.dispatch(now))
                .andFailFast().await().atMost(Duration.ofSeconds(60));

        Row runs = pool.preparedQuery("""
                SELECT count(*) AS runs, count(DISTINCT digest_id) AS digests, count(stream_message_id) AS published,
                       count(DISTINCT stream_message_id) AS distinct_ids
                FROM digest_runs WHERE application_id = $1 AND trigger = 'scheduled'
                """).execute(Tuple.of(UUID.fromString(tenant.applicationId()))).await().atMost(WAIT).iterator().next();
        assertEquals(1000, runs.getLong("runs"));
        assertEquals(1000, runs.getLong("digests"));
        assertEquals(1000, runs.getLong("published"));
        assertEquals(1000, runs.getLong("distinct_ids"));
        // At least: digests other tests left due in the shared test database are dispatched too.
        assertTrue(reports.stream().mapToInt(Dispatcher.DispatchReport::runs).sum() >= 1000, reports.toString());

        long jobs = redis.stream(String.class).xrange(queue.stream(),
                        io.quarkus.redis.datasource.stream.StreamRange.of("-", "+")).stream()
                .map(StreamMessage::payload)
                .filter(job -> tenant.applicationId().equals(job.get("applicationId")))
                .count();
        assertEquals(1000, jobs, "one stream message per run");

        Set<Instant> next = new HashSet<>();
        for (UUID id : ids.subList(0, 10)) {
            Instant nextRunAt = instant(digestRow(id), "next_run_at");
            assertTrue(nextRunAt.isAfter(now), "moved past now");
            next.add(nextRunAt);
        }
        assertEquals(1, next.size());
        dispatcher.dispatch(now).await().atMost(WAIT);
        assertEquals(1000, count(tenant), "a second pass at the same instant finds nothing due");
    }

    private long count(Tenant tenant) {
        return pool.preparedQuery("SELECT count(*) FROM digest_runs WHERE application_id = $1")
                .execute(Tuple.of(UUID.fromString(tenant.applicationId()))).await().atMost(WAIT).iterator().next()
                .getLong(0);
    }

    /** Steps a clock through [from, to) every five minutes, dispatching at each step, as the timer would. */
    private void stepThrough(Instant from, Instant to) {
        for (Instant t = from; t.isBefore(to); t = t.plus(Duration.ofMinutes(5))) {
            dispatcher.dispatch(t).await().atMost(WAIT);
        }
    }

    private static Instant local(String dateTime, String zone) {
        return LocalDateTime.parse(dateTime).atZone(ZoneId.of(zone)).toInstant();
    }

    /** A burst of new runs has the runs table analyzed, so the workers' queries plan for its size. */
    @Test
    void aDispatchOfAThousandRunsRefreshesTheRunsTableStatistics() {
        Tenant tenant = Tenant.create();
        Instant now = Instant.now();
        digests(tenant, 1000, "0 0 8 * * ?", "Europe/Paris", "coalesce", now.minus(Duration.ofMinutes(1)));
        long before = analyzeCount();

        Dispatcher.DispatchReport report = dispatcher.dispatch(now).await().atMost(Duration.ofSeconds(60));

        assertTrue(report.runs() >= 1000, "runs created: " + report.runs());
        Awaitility.await().atMost(WAIT).until(() -> analyzeCount() > before);
    }

    private long analyzeCount() {
        return pool.query("SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'digest_runs'"
                + " AND schemaname = current_schema()").execute().await().atMost(WAIT).iterator().next().getLong(0);
    }

    @Test
    void parisSpringForwardWithASteppedClockNeitherSkipsNorDoubles() {
        Tenant tenant = Tenant.create();
        Instant springFrom = local("2026-03-28T12:00", "Europe/Paris");
        UUID daily = digests(tenant, 1, "0 30 2 * * ?", "Europe/Paris", "coalesce",
                CronSchedule.nextAfter("0 30 2 * * ?", ZoneId.of("Europe/Paris"), springFrom).orElseThrow()).get(0);
        UUID hourly = digests(tenant, 1, "0 0 * * * ?", "Europe/Paris", "coalesce",
                CronSchedule.nextAfter("0 0 * * * ?", ZoneId.of("Europe/Paris"), springFrom).orElseThrow()).get(0);
        stepThrough(springFrom, local("2026-03-30T00:00", "Europe/Paris"));

        assertEquals(List.of(Instant.parse("2026-03-29T01:00:00Z")), scheduledRuns(daily), "02:30 fires at 03:00 CEST");
        List<Instant> hours = scheduledRuns(hourly);
        // 13:00 to 23:00 on the 28th (11 instants after the clock starts at 12:00), then a 23-hour day.
        assertEquals(11 + 23, hours.size());
        assertEquals(hours.size(), new HashSet<>(hours).size());
        assertTrue(hours.contains(Instant.parse("2026-03-29T01:00:00Z")));
    }

    @Test
    void parisFallBackWithASteppedClockFiresTheRepeatedTimeOnce() {
        Tenant tenant = Tenant.create();
        Instant from = local("2026-10-24T12:00", "Europe/Paris");
        UUID daily = digests(tenant, 1, "0 30 2 * * ?", "Europe/Paris", "coalesce",
                CronSchedule.nextAfter("0 30 2 * * ?", ZoneId.of("Europe/Paris"), from).orElseThrow()).get(0);
        UUID hourly = digests(tenant, 1, "0 0 * * * ?", "Europe/Paris", "coalesce",
                CronSchedule.nextAfter("0 0 * * * ?", ZoneId.of("Europe/Paris"), from).orElseThrow()).get(0);
        stepThrough(from, local("2026-10-26T00:00", "Europe/Paris"));

        assertEquals(List.of(Instant.parse("2026-10-25T00:30:00Z")), scheduledRuns(daily), "at 02:30 CEST only");
        List<Instant> hours = scheduledRuns(hourly);
        assertEquals(11 + 24, hours.size(), "each wall-clock hour once");
        assertTrue(!hours.contains(Instant.parse("2026-10-25T01:00:00Z")), "02:00 CET (the repeat) does not fire");
    }

    @Test
    void newYorkDaylightSavingWithASteppedClock() {
        Tenant tenant = Tenant.create();
        String zone = "America/New_York";
        Instant springFrom = local("2026-03-07T12:00", zone);
        UUID spring = digests(tenant, 1, "0 30 2 * * ?", zone, "coalesce",
                CronSchedule.nextAfter("0 30 2 * * ?", ZoneId.of(zone), springFrom).orElseThrow()).get(0);
        stepThrough(springFrom, local("2026-03-09T00:00", zone));
        assertEquals(List.of(Instant.parse("2026-03-08T07:00:00Z")), scheduledRuns(spring), "02:30 fires at 03:00 EDT");

        Instant fallFrom = local("2026-10-31T12:00", zone);
        UUID fall = digests(tenant, 1, "0 0 * * * ?", zone, "coalesce",
                CronSchedule.nextAfter("0 0 * * * ?", ZoneId.of(zone), fallFrom).orElseThrow()).get(0);
        stepThrough(fallFrom, local("2026-11-02T00:00", zone));
        List<Instant> hours = scheduledRuns(fall);
        assertEquals(11 + 24, hours.size());
        assertTrue(hours.contains(Instant.parse("2026-11-01T05:00:00Z")), "01:00 EDT fires");
        assertTrue(!hours.contains(Instant.parse("2026-11-01T06:00:00Z")), "01:00 EST does not");
    }

    @Test
    void instantsMissedDuringDowntimeAreCoalescedIntoOneRunForTheLatest() {
        Tenant tenant = Tenant.create();
        Instant now = Instant.parse("2026-06-01T12:30:00Z");
        UUID digest = digests(tenant, 1, "0 0 * * * ?", "UTC", "coalesce", Instant.parse("2026-06-01T07:00:00Z")).get(0);

        Dispatcher.DispatchReport report = dispatcher.dispatch(now).await().atMost(WAIT);

        assertEquals(List.of(Instant.parse("2026-06-01T12:00:00Z")), scheduledRuns(digest));
        assertTrue(report.missed() >= 5, "07:00 to 11:00 folded into the 12:00 run: " + report);
        Row row = digestRow(digest);
        assertEquals(Instant.parse("2026-06-01T13:00:00Z"), instant(row, "next_run_at"));
        assertEquals(Instant.parse("2026-06-01T12:00:00Z"), instant(row, "last_run_at"));
    }

    @Test
    void theSkipPolicyDropsMissedInstantsButRunsOneThatIsOnTime() {
        Tenant tenant = Tenant.create();
        UUID late = digests(tenant, 1, "0 0 * * * ?", "UTC", "skip", Instant.parse("2026-06-02T07:00:00Z")).get(0);
        dispatcher.dispatch(Instant.parse("2026-06-02T12:30:00Z")).await().atMost(WAIT);
        assertEquals(List.of(), scheduledRuns(late), "12:00 is half an hour late: dropped with the rest");
        assertEquals(Instant.parse("2026-06-02T13:00:00Z"), instant(digestRow(late), "next_run_at"));
        assertNull(instant(digestRow(late), "last_run_at"));

        UUID onTime = digests(tenant, 1, "0 0 * * * ?", "UTC", "skip", Instant.parse("2026-06-03T07:00:00Z")).get(0);
        dispatcher.dispatch(Instant.parse("2026-06-03T12:00:20Z")).await().atMost(WAIT);
        assertEquals(List.of(Instant.parse("2026-06-03T12:00:00Z")), scheduledRuns(onTime),
                "within the misfire grace: it runs; 07:00 to 11:00 are dropped");
    }

    @Test
    void disabledDigestsNeverFire() {
        Tenant tenant = Tenant.create();
        UUID digest = digests(tenant, 1, "0 * * * * ?", "UTC", "coalesce", Instant.parse("2026-06-04T07:00:00Z")).get(0);
        pool.preparedQuery("UPDATE digest_digests SET enabled = false WHERE id = $1").execute(Tuple.of(digest))
                .await().atMost(WAIT);
        dispatcher.dispatch(Instant.parse("2026-06-04T08:00:00Z")).await().atMost(WAIT);
        assertEquals(List.of(), scheduledRuns(digest));
    }

    private String scheduleError(UUID digest) {
        return pool.preparedQuery("SELECT schedule_error FROM digest_digests WHERE id = $1").execute(Tuple.of(digest))
                .await().atMost(WAIT).iterator().next().getString("schedule_error");
    }

    @Test
    void aCronWhoseYearsRunOutStopsTheDigestVisibly() {
        Tenant tenant = Tenant.create();
        UUID digest = digests(tenant, 1, "0 0 8 1 6 ? 2026", "UTC", "coalesce", Instant.parse("2026-06-01T08:00:00Z"))
                .get(0);
        double stopped = registry.counter("digest.schedule.stopped").count();

        dispatcher.dispatch(Instant.parse("2026-06-01T08:00:05Z")).await().atMost(WAIT);

        assertEquals(List.of(Instant.parse("2026-06-01T08:00:00Z")), scheduledRuns(digest), "its last instant runs");
        assertNull(instant(digestRow(digest), "next_run_at"));
        assertTrue(scheduleError(digest).contains("no fire instant"), scheduleError(digest));
        assertTrue(registry.counter("digest.schedule.stopped").count() >= stopped + 1);
        tenant.request().get("/api/v1/digests/{id}", digest.toString()).then().statusCode(200)
                .body("scheduleState", org.hamcrest.Matchers.equalTo("stopped"))
                .body("scheduleError", org.hamcrest.Matchers.containsString("no fire instant"))
                .body("nextRunAt", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void aStoredCronThatIsNoLongerSupportedStopsTheDigestInsteadOfFailing() {
        Tenant tenant = Tenant.create();
        // Saved before '#' in a list was refused; Quartz would fire it on first Mondays only.
        UUID digest = digests(tenant, 1, "0 0 8 ? * 2#1,4", "UTC", "coalesce", Instant.parse("2026-06-01T08:00:00Z"))
                .get(0);

        dispatcher.dispatch(Instant.parse("2026-06-01T08:00:05Z")).await().atMost(WAIT);

        assertEquals(List.of(), scheduledRuns(digest));
        assertNull(instant(digestRow(digest), "next_run_at"));
        assertTrue(scheduleError(digest).contains("day-of-week '2#1,4'"), scheduleError(digest));
        tenant.request().get("/api/v1/digests/{id}/schedule?count=2", digest.toString()).then().statusCode(200)
                .body("scheduleState", org.hamcrest.Matchers.equalTo("stopped"))
                .body("scheduleError", org.hamcrest.Matchers.containsString("day-of-week"))
                .body("instants", org.hamcrest.Matchers.hasSize(0));
    }
}
