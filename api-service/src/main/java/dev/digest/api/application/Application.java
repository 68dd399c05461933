package dev.digest.api.application;

import dev.digest.common.Uuid7;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PrePersist;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.CreationTimestamp;
import org.hibernate.annotations.UpdateTimestamp;

/** A tenant. Every other row belongs to exactly one application. */
@Entity
@Table(name = "digest_applications")
public class Application extends PanacheEntityBase {

    @Id
    public UUID id;

    public String name;

    public String slug;

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
