package dev.digest.api.tenant;

import dev.digest.common.Uuid7;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.PrePersist;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.CreationTimestamp;
import org.hibernate.annotations.UpdateTimestamp;

/**
 * What every editable row has: a time-ordered id, an optimistic version that every change
 * increases, and creation and update instants.
 */
@MappedSuperclass
public abstract class VersionedEntity extends PanacheEntityBase {

    @Id
    public UUID id;

    @Version
    public long version;

    @CreationTimestamp
    @Column(name = "created_at", nullable = false, updatable = false)
    public Instant createdAt;

    @UpdateTimestamp
    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @PrePersist
    void assignId() {
        if (id == null) {
            id = Uuid7.next();
        }
    }
}
