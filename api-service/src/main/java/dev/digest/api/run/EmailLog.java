package dev.digest.api.run;

import dev.digest.common.run.EmailStatus;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One recipient's email of a run, as the worker recorded it. Read-only here. */
@Entity
@Table(name = "digest_email_logs")
public class EmailLog extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "run_id")
    public UUID runId;

    public String recipient;

    @Convert(converter = RunConverters.Email.class)
    public EmailStatus status;

    public String subject;

    @Column(name = "provider_message_id")
    public String messageId;

    public String error;

    public int attempts;

    @Column(name = "sent_at")
    public Instant sentAt;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
