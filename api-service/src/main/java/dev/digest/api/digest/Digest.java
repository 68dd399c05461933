package dev.digest.api.digest;

import dev.digest.api.tenant.PolicyConverters;
import dev.digest.api.tenant.TenantEntity;
import dev.digest.common.digest.EmptyWindowPolicy;
import dev.digest.common.digest.MissedRunPolicy;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** Which events to collect, on what schedule, for whom, with which email template. */
@Entity
@Table(name = "digest_digests")
public class Digest extends TenantEntity {

    public String name;

    public String description;

    /** Event type keys; empty means all of the application's types. */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "event_types")
    public String[] eventTypes;

    public String cron;

    @Column(name = "time_zone")
    public String timeZone;

    @JdbcTypeCode(SqlTypes.ARRAY)
    public String[] recipients;

    @Column(name = "email_template_id")
    public UUID emailTemplateId;

    public boolean enabled;

    @Convert(converter = PolicyConverters.EmptyWindow.class)
    @Column(name = "empty_window")
    public EmptyWindowPolicy emptyWindow;

    @Convert(converter = PolicyConverters.MissedRuns.class)
    @Column(name = "missed_runs")
    public MissedRunPolicy missedRuns;

    @Column(name = "next_run_at")
    public Instant nextRunAt;

    /** Why an enabled digest has no next run; null otherwise. Also written by the dispatcher. */
    @Column(name = "schedule_error")
    public String scheduleError;

    /** Written by the dispatcher and the worker, never by this entity. */
    @Column(name = "last_run_at", insertable = false, updatable = false)
    public Instant lastRunAt;
}
