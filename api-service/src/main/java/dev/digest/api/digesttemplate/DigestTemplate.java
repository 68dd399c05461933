package dev.digest.api.digesttemplate;

import dev.digest.api.tenant.PolicyConverters;
import dev.digest.api.tenant.TenantEntity;
import dev.digest.common.digest.EmptyWindowPolicy;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A reusable digest preset: event types, schedule, time zone, email template. New digests can start from one. */
@Entity
@Table(name = "digest_templates")
public class DigestTemplate extends TenantEntity {

    public String name;

    public String description;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "event_types")
    public String[] eventTypes;

    public String cron;

    @Column(name = "time_zone")
    public String timeZone;

    @Column(name = "email_template_id")
    public UUID emailTemplateId;

    @Convert(converter = PolicyConverters.EmptyWindow.class)
    @Column(name = "empty_window")
    public EmptyWindowPolicy emptyWindow;
}
