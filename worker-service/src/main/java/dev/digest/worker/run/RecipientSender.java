package dev.digest.worker.run;

import dev.digest.common.content.RenderedEmail;
import dev.digest.common.run.ClaimedRun;
import dev.digest.worker.mail.DigestMailer;
import dev.digest.worker.mail.EmailLogStore;
import dev.digest.worker.mail.SmtpCircuit;
import dev.digest.worker.mail.SmtpFailure;
import dev.digest.worker.metrics.JobMetrics;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * One recipient of a run: logged {@code sending}, sent, then logged {@code sent}; or logged
 * {@code skipped} when they unsubscribed. A recipient whose log says sent is never sent again,
 * nor is one the SMTP server refused for good (5xx).
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
    private final SmtpCircuit circuit;

    public RecipientSender(EmailLogStore logs, DigestMailer mailer, JobMetrics metrics, LeaseKeeper leases,
            SmtpCircuit circuit) {
        this.logs = logs;
        this.mailer = mailer;
        this.metrics = metrics;
        this.leases = leases;
        this.circuit = circuit;
    }

    /** What became of one recipient in this attempt. */
    public enum Kind {
        /** The recipient has the email (now, or from an earlier attempt), or unsubscribed. */
        DONE,
        /** The server refused the recipient for good: logged failed, not tried again. */
        REFUSED,
        /** The server could not take it now: the run is tried again later. */
        DEFERRED
    }

    /** One recipient's outcome, with the failure behind it when it was not sent. */
    public record Result(Kind kind, String recipient, Throwable failure) {

        static Result done(String recipient) {
            return new Result(Kind.DONE, recipient, null);
        }
    }

    public Uni<Result> send(ClaimedRun run, String recipient, String unsubscribeUrl, Uni<RenderedEmail> rendered) {
        String messageId = mailer.messageId(run.id(), recipient);
        return rendered.chain(email -> logs.begin(run.applicationId(), run.id(), recipient, email.subject()).chain(toSend -> {
            if (!toSend) {
                return Uni.createFrom().item(Result.done(recipient));
            }
            return mailer.send(recipient, email, messageId, unsubscribeUrl).replaceWith(Result.done(recipient))
                    .onFailure().recoverWithUni(failure -> notSent(run, recipient, SmtpFailure.of(failure)))
                    .call(result -> result.kind() == Kind.DONE ? recordSent(run, recipient, messageId)
                            : Uni.createFrom().voidItem());
        }));
    }

    /** An unsubscribed recipient: logged as skipped, and done as far as the run is concerned. */
    public Uni<Result> skip(ClaimedRun run, String recipient) {
        return logs.skipped(run.applicationId(), run.id(), recipient).map(logged -> {
            if (logged) {
                metrics.emailSkipped();
            }
            return Result.done(recipient);
        });
    }

    private Uni<Result> notSent(ClaimedRun run, String recipient, SmtpFailure failure) {
        metrics.emailFailed();
        if (failure instanceof SmtpFailure.Refused) {
            circuit.record(true);
            LOG.warnf("Run %s: the SMTP server refused a recipient for good: %s", run.id(), failure.getMessage());
            return logs.refused(run.id(), recipient, failure.getMessage())
                    .replaceWith(new Result(Kind.REFUSED, recipient, failure));
        }
        circuit.record(false);
        LOG.warnf("Run %s: sending to a recipient failed: %s", run.id(), failure.getMessage());
        return logs.failed(run.id(), recipient, failure.getMessage())
                .replaceWith(new Result(Kind.DEFERRED, recipient, failure));
    }

    private Uni<Void> recordSent(ClaimedRun run, String recipient, String messageId) {
        circuit.record(true);
        metrics.emailSent();
        long deadlineMillis = System.currentTimeMillis()
                + TimeUnit.NANOSECONDS.toMillis(leases.deadline(run) - System.nanoTime());
        return logs.sent(run.id(), recipient, messageId)
                .onFailure().invoke(failure -> LOG.warnf("Run %s: the SMTP server accepted an email but recording it"
                        + " failed (%s); trying again while the lease holds", run.id(), failure.toString()))
                .onFailure().retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(2)).expireAt(deadlineMillis);
    }
}
