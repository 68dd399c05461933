package dev.digest.worker.mail;

import dev.digest.common.Uuid7;
import dev.digest.common.batch.Coalescer;
import dev.digest.common.batch.Rounds;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * One row per (run, recipient). A recipient is sent to only when its row can move to
 * {@code sending}: new, {@code failed}, or left {@code sending} by a worker that died (the
 * one case where a recipient may get the message twice, with the same Message-ID).
 */
@ApplicationScoped
public class EmailLogStore {

    // Many recipients (of one run or several) in one statement: the rows that moved to 'sending'.
    private static final String BEGIN = """
            INSERT INTO digest_email_logs (id, application_id, run_id, recipient, status, subject, attempts)
            SELECT i.id, i.application_id, i.run_id, i.recipient, 'sending', i.subject, 1
            FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[])
                AS i(id, application_id, run_id, recipient, subject)
            ON CONFLICT (run_id, recipient) DO UPDATE
                SET status = 'sending', subject = EXCLUDED.subject, error = NULL,
                    attempts = digest_email_logs.attempts + 1, updated_at = now()
                WHERE digest_email_logs.status IN ('sending', 'failed')
                  AND NOT digest_email_logs.error LIKE 'refused: %' IS TRUE
            RETURNING run_id, recipient
            """;

    private static final String SENT = """
            UPDATE digest_email_logs l
            SET status = 'sent', provider_message_id = i.message_id, sent_at = now(), updated_at = now()
            FROM unnest($1::uuid[], $2::text[], $3::text[]) AS i(run_id, recipient, message_id)
            WHERE l.run_id = i.run_id AND l.recipient = i.recipient AND l.status = 'sending'
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

    // Recipients' rows are written across the runs a worker delivers at once (see Coalescer).
    private static final int MAX_BATCH = 1_000;
    // One statement of a kind at a time: calls arriving meanwhile wait at most that statement's
    // time and share the next one. More in flight made smaller batches and more transactions
    // per run without finishing runs sooner (deploy/bench/throughput.py burst).
    private static final int BATCHES_IN_FLIGHT = 1;

    private final Pool pool;
    private final Coalescer<Beginning, Set<String>> beginnings = new Coalescer<>(MAX_BATCH, BATCHES_IN_FLIGHT, this::beginAll);
    private final Coalescer<Sent, Void> sents = new Coalescer<>(MAX_BATCH, BATCHES_IN_FLIGHT, this::sentAll);

    public EmailLogStore(Pool pool) {
        this.pool = pool;
    }

    /** One recipient's email about to be sent, with its subject. */
    public record Sending(String recipient, String subject) {
    }

    /**
     * Logs these recipients of the run {@code sending}, in one statement: the recipients to send
     * to now (those not already sent, skipped, or refused for good by an earlier attempt).
     */
    public Uni<Set<String>> begin(UUID applicationId, UUID runId, List<Sending> recipients) {
        if (recipients.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return beginnings.submit(new Beginning(applicationId, runId, recipients));
    }

    /** True when this recipient is to be sent to now; false when it was already sent (or skipped). */
    public Uni<Boolean> begin(UUID applicationId, UUID runId, String recipient, String subject) {
        return begin(applicationId, runId, List.of(new Sending(recipient, subject))).map(toSend -> toSend.contains(recipient));
    }

    // A row may move once per statement, so a (run, recipient) pair goes in once; the api and the
    // importer keep a digest's recipients distinct, so a run never lists one twice.
    private Uni<List<Set<String>>> beginAll(List<Beginning> batch) {
        List<UUID> ids = new ArrayList<>();
        List<UUID> applications = new ArrayList<>();
        List<UUID> runs = new ArrayList<>();
        List<String> recipients = new ArrayList<>();
        List<String> subjects = new ArrayList<>();
        Set<RunRecipient> seen = new HashSet<>();
        for (Beginning beginning : batch) {
            for (Sending sending : beginning.recipients()) {
                if (seen.add(new RunRecipient(beginning.runId(), sending.recipient()))) {
                    ids.add(Uuid7.next());
                    applications.add(beginning.applicationId());
                    runs.add(beginning.runId());
                    recipients.add(sending.recipient());
                    subjects.add(sending.subject());
                }
            }
        }
        Tuple arguments = Tuple.of(ids.toArray(UUID[]::new), applications.toArray(UUID[]::new), runs.toArray(UUID[]::new),
                recipients.toArray(String[]::new), subjects.toArray(String[]::new));
        return pool.preparedQuery(BEGIN).execute(arguments).map(rows -> {
            Map<UUID, Set<String>> toSend = new HashMap<>();
            rows.forEach(row -> toSend.computeIfAbsent(row.getUUID("run_id"), run -> new HashSet<>())
                    .add(row.getString("recipient")));
            return batch.stream().map(beginning -> toSend.getOrDefault(beginning.runId(), Set.of())).toList();
        });
    }

    /** True when this call logged the recipient as skipped (false when it already was, or was sent). */
    public Uni<Boolean> skipped(UUID applicationId, UUID runId, String recipient) {
        return pool.preparedQuery(SKIPPED).execute(Tuple.of(Uuid7.next(), applicationId, runId, recipient, null))
                .map(rows -> rows.size() > 0);
    }

    public Uni<Void> sent(UUID runId, String recipient, String messageId) {
        return sents.submit(new Sent(runId, recipient, messageId));
    }

    private Uni<List<Void>> sentAll(List<Sent> batch) {
        return Rounds.distinctBy(batch, sent -> new RunRecipient(sent.runId(), sent.recipient()), round -> {
            Tuple arguments = Tuple.of(round.stream().map(Sent::runId).toArray(UUID[]::new),
                    round.stream().map(Sent::recipient).toArray(String[]::new),
                    round.stream().map(Sent::messageId).toArray(String[]::new));
            return pool.preparedQuery(SENT).execute(arguments).map(rows -> Collections.<Void>nCopies(round.size(), null));
        });
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

    private record Beginning(UUID applicationId, UUID runId, List<Sending> recipients) {
    }

    private record Sent(UUID runId, String recipient, String messageId) {
    }

    private record RunRecipient(UUID runId, String recipient) {
    }
}
