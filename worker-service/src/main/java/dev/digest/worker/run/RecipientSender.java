package dev.digest.worker.run;

import dev.digest.common.content.RenderedEmail;
import dev.digest.common.run.ClaimedRun;
import dev.digest.worker.mail.DigestMailer;
import dev.digest.worker.mail.EmailLogStore;
import dev.digest.worker.metrics.JobMetrics;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * One recipient of a run: logged {@code sending}, sent, then logged {@code sent}; or logged
 * {@code skipped} when they unsubscribed. A recipient whose log says sent is never sent again.
 *
 * <p>Once the SMTP server has accepted a message, the {@code sent} record is retried until
 * PostgreSQL answers, for as long as the run's lease surely holds: failing the attempt instead
 * would send the email again on the next one. The one repeat left is a worker that dies (or
 * loses the database for longer than its lease) between the SMTP server's acceptance and that
 * record; the repeat carries the same Message-ID.
 */
@ApplicationScoped
public class RecipientSender {

    private static final Logger LOG = Logger.getLogger(RecipientSender.class);

    private final EmailLogStore logs;
    private final DigestMailer mailer;
    private final JobMetrics metrics;
    private final LeaseKeeper leases;

    public RecipientSender(EmailLogStore logs, DigestMailer mailer, JobMetrics metrics, LeaseKeeper leases) {
        this.logs = logs;
        this.mailer = mailer;
        this.metrics = metrics;
        this.leases = leases;
    }

    /** True when the recipient has the email (now or from an earlier attempt). */
    public Uni<Boolean> send(ClaimedRun run, String recipient, String unsubscribeUrl, Uni<RenderedEmail> rendered) {
        String messageId = mailer.messageId(run.id(), recipient);
        return rendered.chain(email -> logs.begin(run.applicationId(), run.id(), recipient, email.subject()).chain(toSend -> {
            if (!toSend) {
                return Uni.createFrom().item(true);
            }
            return mailer.send(recipient, email, messageId, unsubscribeUrl).replaceWith(true)
                    .onFailure().recoverWithUni(failure -> {
                        metrics.emailFailed();
                        LOG.warnf("Run %s: sending to a recipient failed: %s", run.id(), failure.toString());
                        return logs.failed(run.id(), recipient, failure.getMessage()).replaceWith(false);
                    })
                    .chain(sent -> sent ? recordSent(run, recipient, messageId) : Uni.createFrom().item(false));
        }));
    }

    /** An unsubscribed recipient: logged as skipped, and done as far as the run is concerned. */
    public Uni<Boolean> skip(ClaimedRun run, String recipient) {
        return logs.skipped(run.applicationId(), run.id(), recipient).map(logged -> {
            if (logged) {
                metrics.emailSkipped();
            }
            return true;
        });
    }

    private Uni<Boolean> recordSent(ClaimedRun run, String recipient, String messageId) {
        metrics.emailSent();
        long deadlineMillis = System.currentTimeMillis()
                + TimeUnit.NANOSECONDS.toMillis(leases.deadline(run) - System.nanoTime());
        return logs.sent(run.id(), recipient, messageId)
                .onFailure().invoke(failure -> LOG.warnf("Run %s: the SMTP server accepted an email but recording it"
                        + " failed (%s); trying again while the lease holds", run.id(), failure.toString()))
                .onFailure().retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(2)).expireAt(deadlineMillis)
                .replaceWith(true);
    }
}
