package dev.digest.api.application;

import dev.digest.api.tenant.VersionedEntity;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** A tenant. Every other row belongs to exactly one application. */
@Entity
@Table(name = "digest_applications")
public class Application extends VersionedEntity {

    public String name;

    public String slug;
}
