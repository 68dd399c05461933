package dev.digest.worker.mail;

import dev.digest.common.Uuid7;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * One row per (run, recipient). A recipient is sent to only when its row can move to
 * {@code sending}: new, {@code failed}, or left {@code sending} by a worker that died (the
 * one case where a recipient may get the message twice, with the same Message-ID).
 */
@ApplicationScoped
public class EmailLogStore {

    private static final String BEGIN = """
            INSERT INTO digest_email_logs (id, application_id, run_id, recipient, status, subject, attempts)
            VALUES ($1, $2, $3, $4, 'sending', $5, 1)
            ON CONFLICT (run_id, recipient) DO UPDATE
                SET status = 'sending', subject = EXCLUDED.subject, error = NULL,
                    attempts = digest_email_logs.attempts + 1, updated_at = now()
                WHERE digest_email_logs.status IN ('sending', 'failed')
                  AND NOT digest_email_logs.error LIKE 'refused: %' IS TRUE
            RETURNING id
            """;

    private static final String SENT = """
            UPDATE digest_email_logs SET status = 'sent', provider_message_id = $3, sent_at = now(), updated_at = now()
            WHERE run_id = $1 AND recipient = $2 AND status = 'sending'
            """;

    private static final String FAILED = """
            UPDATE digest_email_logs SET status = 'failed', error = $3, updated_at = now()
            WHERE run_id = $1 AND recipient = $2 AND status = 'sending'
            """;

    // An unsubscribed recipient: logged, never sent. A row failed or left 'sending' by an earlier
    // attempt is not sent again either; a 'sent' row stays as it is.
    private static final String SKIPPED = """
            INSERT INTO digest_email_logs (id, application_id, run_id, recipient, status, subject, error, attempts)
            VALUES ($1, $2, $3, $4, 'skipped', $5, 'unsubscribed', 0)
            ON CONFLICT (run_id, recipient) DO UPDATE
                SET status = 'skipped', error = 'unsubscribed', updated_at = now()
                WHERE digest_email_logs.status IN ('sending', 'failed')
            RETURNING id
            """;

    private final Pool pool;

    public EmailLogStore(Pool pool) {
        this.pool = pool;
    }

    /** True when this recipient is to be sent to now; false when it was already sent (or skipped). */
    public Uni<Boolean> begin(UUID applicationId, UUID runId, String recipient, String subject) {
        return pool.preparedQuery(BEGIN).execute(Tuple.of(Uuid7.next(), applicationId, runId, recipient, subject))
                .map(rows -> rows.size() > 0);
    }

    /** True when this call logged the recipient as skipped (false when it already was, or was sent). */
    public Uni<Boolean> skipped(UUID applicationId, UUID runId, String recipient) {
        return pool.preparedQuery(SKIPPED).execute(Tuple.of(Uuid7.next(), applicationId, runId, recipient, null))
                .map(rows -> rows.size() > 0);
    }

    public Uni<Void> sent(UUID runId, String recipient, String messageId) {
        return pool.preparedQuery(SENT).execute(Tuple.of(runId, recipient, messageId)).replaceWithVoid();
    }

    /**
     * The server refused the recipient for good (5xx): logged failed with the reply, and not
     * tried again by later attempts of the run.
     */
    public Uni<Void> refused(UUID runId, String recipient, String reply) {
        return failed(runId, recipient, "refused: " + reply);
    }

    public Uni<Void> failed(UUID runId, String recipient, String error) {
        return pool.preparedQuery(FAILED).execute(Tuple.of(runId, recipient, error)).replaceWithVoid();
    }
}
