package dev.digest.api.tenant;

import jakarta.persistence.Column;
import jakarta.persistence.MappedSuperclass;
import java.util.UUID;

/** An editable row that belongs to one application. */
@MappedSuperclass
public abstract class TenantEntity extends VersionedEntity {

    @Column(name = "application_id", nullable = false, updatable = false)
    public UUID applicationId;
}
