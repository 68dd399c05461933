package dev.digest.api.run;

import dev.digest.common.Uuid7;
import dev.digest.common.run.RunStatus;
import dev.digest.common.run.RunTrigger;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PrePersist;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;

/**
 * One execution of a digest. The API creates runs and reads them; their status moves by
 * conditional SQL updates (in the worker and in {@link RunRepository}), never by entity
 * writes, so there is no optimistic version here.
 */
@Entity
@Table(name = "digest_runs")
public class Run extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "application_id", updatable = false)
    public UUID applicationId;

    @Column(name = "digest_id", updatable = false)
    public UUID digestId;

    @Convert(converter = RunConverters.Trigger.class)
    @Column(updatable = false)
    public RunTrigger trigger;

    @Convert(converter = RunConverters.Status.class)
    public RunStatus status;

    @Column(name = "scheduled_for", updatable = false)
    public Instant scheduledFor;

    @Column(name = "window_start")
    public Instant windowStart;

    @Column(name = "window_end")
    public Instant windowEnd;

    @Column(name = "event_count")
    public int eventCount;

    public int attempts;

    @Column(name = "test_recipient", updatable = false)
    public String testRecipient;

    @Column(name = "available_at")
    public Instant availableAt;

    /** Queued until the run holding its digest's window finishes. */
    @Column(name = "turn_wait")
    public boolean turnWait;

    @Column(name = "enqueued_at")
    public Instant enqueuedAt;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    @Column(name = "worker_id")
    public String workerId;

    @Column(name = "stream_message_id")
    public String streamMessageId;

    public String error;

    @Column(name = "bad_event_count")
    public int badEventCount;

    /** The first events the run left out, with why (the worker writes them as JSON). */
    @Convert(converter = RunConverters.BadEvents.class)
    @ColumnTransformer(read = "bad_events::text")
    @Column(name = "bad_events", updatable = false, insertable = false)
    public List<BadEventNote> badEvents;

    @Column(name = "created_at", updatable = false)
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @PrePersist
    void assignId() {
        if (id == null) {
            id = Uuid7.next();
        }
    }
}
