package dev.digest.api.eventtype;

import dev.digest.api.tenant.TenantEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** A kind of event an application posts ({@code order.created}), with an optional line template for digests. */
@Entity
@Table(name = "digest_event_types")
public class EventType extends TenantEntity {

    @Column(updatable = false)
    public String key;

    public String name;

    public String description;

    @Column(name = "line_template")
    public String lineTemplate;
}
