package dev.digest.api.application;

import dev.digest.api.tenant.VersionedEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** A tenant. Every other row belongs to exactly one application. */
@Entity
@Table(name = "digest_applications")
public class Application extends VersionedEntity {

    public String name;

    public String slug;

    /** The From name of the application's digests; null: the worker's. */
    @Column(name = "sender_name")
    public String senderName;

    /** The From address of the application's digests; null: the worker's. */
    @Column(name = "sender_address")
    public String senderAddress;

    @Column(name = "reply_to")
    public String replyTo;
}
