package dev.digest.api.schedule;

import dev.digest.api.config.ApiConfig;
import dev.digest.api.queue.RunPublisher;
import dev.digest.common.Uuid7;
import dev.digest.common.digest.MissedRunPolicy;
import dev.digest.common.job.JobQueueConfig;
import dev.digest.common.run.PublishableRun;
import dev.digest.common.run.RunLedger;
import dev.digest.common.run.RunLedger.ScheduledRun;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Turns due digests into scheduled runs, safely with any number of api replicas.
 *
 * <p>Each batch is one transaction: due digests are claimed with {@code FOR UPDATE SKIP LOCKED}
 * (a replica never waits for, nor sees, rows another replica is dispatching), their runs are
 * created in the run ledger (the unique (digest, scheduled_for) index makes a second run for the
 * same instant impossible, whatever happens), and their {@code next_run_at} is moved past now. Only after
 * the commit are the jobs appended to the stream; runs that could not be appended stay
 * {@code queued} without a stream id, and the worker's re-publisher sends them.
 *
 * <p>A paused application's digests (or every digest, while dispatch is paused globally) are
 * not claimed: their due instants wait, and on resume follow each digest's missed-run policy.
 */
@ApplicationScoped
public class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);

    private static final String CLAIM = """
            SELECT d.id, d.application_id, d.cron, d.time_zone, d.next_run_at, d.missed_runs FROM digest_digests d
            WHERE d.enabled AND d.next_run_at <= $1
              AND NOT EXISTS (SELECT 1 FROM digest_dispatch_pause)
              AND NOT EXISTS (SELECT 1 FROM digest_applications a
                              WHERE a.id = d.application_id AND a.dispatch_paused_at IS NOT NULL)
            ORDER BY d.next_run_at
            LIMIT $2
            FOR UPDATE SKIP LOCKED
            """;

    private static final String ADVANCE = """
            UPDATE digest_digests d
            SET next_run_at = a.next_run_at, last_run_at = COALESCE(a.last_run_at, d.last_run_at),
                schedule_error = a.schedule_error
            FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[], $4::text[])
                AS a(id, next_run_at, last_run_at, schedule_error)
            WHERE d.id = a.id
            """;

    private final Pool pool;
    private final RunLedger ledger;
    private final RunPublisher publisher;
    private final ApiConfig.Schedule config;
    private final Duration publishGrace;
    private final Clock clock;
    private final Timer tickTime;
    private final Timer databaseTime;
    private final Counter runsCreated;
    private final Counter instantsMissed;
    private final Counter schedulesStopped;
    private final DistributionSummary lag;

    public Dispatcher(Pool pool, RunLedger ledger, RunPublisher publisher, ApiConfig config, JobQueueConfig queue,
            Clock clock, MeterRegistry registry) {
        this.pool = pool;
        this.ledger = ledger;
        this.publisher = publisher;
        this.config = config.schedule();
        this.publishGrace = queue.publishGrace();
        this.clock = clock;
        this.tickTime = Timer.builder("digest.dispatch.tick").description("One dispatcher tick, publishing included")
                .publishPercentiles(0.5, 0.99).publishPercentileHistogram().register(registry);
        this.databaseTime = Timer.builder("digest.dispatch.db")
                .description("One dispatch transaction: claim, insert runs, advance schedules")
                .publishPercentiles(0.5, 0.99).publishPercentileHistogram().register(registry);
        this.runsCreated = Counter.builder("digest.dispatch.runs").description("Scheduled runs created")
                .register(registry);
        this.instantsMissed = Counter.builder("digest.dispatch.missed")
                .description("Due instants coalesced into a later run or dropped by the skip policy")
                .register(registry);
        this.schedulesStopped = Counter.builder("digest.schedule.stopped")
                .description("Digests stopped because their cron has no next instant (see the digest's scheduleError)")
                .register(registry);
        this.lag = DistributionSummary.builder("digest.dispatch.lag").baseUnit("seconds")
                .description("From a run's scheduled instant to its job being on the stream")
                .publishPercentiles(0.5, 0.99).publishPercentileHistogram().register(registry);
    }

    @Scheduled(every = "${digest.schedule.tick}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        if (!config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        Timer.Sample sample = Timer.start();
        return dispatch(clock.instant())
                .invoke(report -> {
                    sample.stop(tickTime);
                    if (report.runs() > 0 || report.missed() > 0) {
                        LOG.debugf("Dispatched %s", report);
                    }
                })
                .onFailure().invoke(failure -> LOG.warnf("Dispatching failed: %s", failure.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /**
     * Dispatches every digest due at {@code now}, batch after batch, up to the per-tick maximum;
     * after many new runs, refreshes the runs table's statistics (see {@code analyze-after}).
     */
    public Uni<DispatchReport> dispatch(Instant now) {
        return batch(now, DispatchReport.NONE).call(report -> analyzeAfterBurst(report.runs()));
    }

    // A role that does not own the table gets a warning from PostgreSQL, not an error, and the
    // statistics wait for autovacuum (V12 makes it analyze the table sooner).
    private Uni<Void> analyzeAfterBurst(int runs) {
        if (config.analyzeAfter() == 0 || runs < config.analyzeAfter()) {
            return Uni.createFrom().voidItem();
        }
        return pool.query("ANALYZE digest_runs").execute()
                .onFailure().invoke(failure -> LOG.warnf("Analyzing digest_runs after %d new runs failed: %s",
                        runs, failure.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private Uni<DispatchReport> batch(Instant now, DispatchReport sofar) {
        int size = Math.min(config.batchSize(), config.maxPerTick() - sofar.digests());
        if (size <= 0) {
            return Uni.createFrom().item(sofar);
        }
        Timer.Sample sample = Timer.start();
        return pool.withTransaction(connection -> claimAndPlan(connection, now, size))
                .invoke(() -> sample.stop(databaseTime))
                .invoke(result -> ledger.announceCreated(result.runs()))
                .chain(result -> publisher.publishAll(result.runs().stream().map(Dispatcher::publishable).toList())
                        .map(published -> {
                    Instant onStream = clock.instant();
                    if (published > 0) {
                        for (ScheduledRun run : result.runs()) {
                            lag.record(Math.max(0, Duration.between(run.scheduledFor(), onStream).toMillis()) / 1000.0);
                        }
                    }
                    runsCreated.increment(result.runs().size());
                    instantsMissed.increment(result.missed());
                    return new DispatchReport(sofar.digests() + result.claimed(), sofar.runs() + result.runs().size(),
                            sofar.missed() + result.missed(), sofar.published() + published);
                }).chain(report -> result.claimed() < size ? Uni.createFrom().item(report) : batch(now, report)));
    }

    private Uni<BatchResult> claimAndPlan(SqlConnection connection, Instant now, int size) {
        return connection.preparedQuery(CLAIM).execute(Tuple.of(now.atOffset(ZoneOffset.UTC), size)).chain(rows -> {
            List<ScheduledRun> planned = new ArrayList<>();
            UUID[] advanced = new UUID[rows.size()];
            OffsetDateTime[] nextRunAt = new OffsetDateTime[rows.size()];
            OffsetDateTime[] lastRunAt = new OffsetDateTime[rows.size()];
            String[] scheduleErrors = new String[rows.size()];
            int missed = 0;
            int i = 0;
            for (Row row : rows) {
                UUID digestId = row.getUUID("id");
                DispatchPlan plan = plan(row, now);
                advanced[i] = digestId;
                nextRunAt[i] = plan.next() == null ? null : plan.next().atOffset(ZoneOffset.UTC);
                scheduleErrors[i] = plan.scheduleError();
                missed += plan.missed();
                if (plan.scheduledFor() != null) {
                    OffsetDateTime at = plan.scheduledFor().atOffset(ZoneOffset.UTC);
                    lastRunAt[i] = at;
                    planned.add(new ScheduledRun(Uuid7.next(), row.getUUID("application_id"), digestId,
                            plan.scheduledFor()));
                }
                i++;
            }
            int claimed = rows.size();
            int missedInBatch = missed;
            Uni<List<ScheduledRun>> inserted = ledger.createScheduled(connection, planned, publishGrace);
            return inserted.chain(created -> (claimed == 0 ? Uni.createFrom().voidItem()
                    : connection.preparedQuery(ADVANCE).execute(Tuple.of(advanced, nextRunAt, lastRunAt, scheduleErrors))
                            .replaceWithVoid())
                    .map(ignored -> new BatchResult(claimed, created, missedInBatch)));
        });
    }

    /**
     * The digest's plan. A schedule with no next instant (ran out, or cannot be evaluated any
     * more) stops the digest rather than stall the batch, visibly: the reason is stored on the
     * digest, counted and logged.
     */
    private DispatchPlan plan(Row row, Instant now) {
        String cron = row.getString("cron");
        DispatchPlan plan;
        try {
            plan = DispatchPlan.of(cron, ZoneId.of(row.getString("time_zone")),
                    row.getOffsetDateTime("next_run_at").toInstant(),
                    MissedRunPolicy.fromWire(row.getString("missed_runs")), now, config.misfireGrace());
        } catch (InvalidCronException e) {
            plan = DispatchPlan.stopped("the cron cannot be evaluated: " + e.getMessage());
        } catch (RuntimeException e) {
            plan = DispatchPlan.stopped("the schedule cannot be evaluated in its time zone");
            LOG.errorf("Digest %s: evaluating %s in %s failed: %s", row.getUUID("id"), cron, row.getString("time_zone"),
                    e.toString());
        }
        if (plan.scheduleError() != null) {
            schedulesStopped.increment();
            LOG.warnf("Digest %s stopped: %s (cron %s in %s); it will not run until its schedule is changed",
                    row.getUUID("id"), plan.scheduleError(), cron, row.getString("time_zone"));
        }
        return plan;
    }

    /** A scheduled run just created: never claimed, on its first attempt. */
    private static PublishableRun publishable(ScheduledRun run) {
        return new PublishableRun(run.id(), run.applicationId(), run.digestId(), 0, 0);
    }

    private record BatchResult(int claimed, List<ScheduledRun> runs, int missed) {
    }

    /** What one dispatch did: digests claimed, runs created, instants missed, jobs put on the stream. */
    public record DispatchReport(int digests, int runs, int missed, int published) {
        static final DispatchReport NONE = new DispatchReport(0, 0, 0, 0);
    }
}
