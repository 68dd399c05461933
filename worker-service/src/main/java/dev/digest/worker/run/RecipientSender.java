package dev.digest.worker.run;

import dev.digest.common.content.DigestEmail;
import dev.digest.common.content.RenderedEmail;
import dev.digest.common.run.ClaimedRun;
import dev.digest.worker.mail.DigestMailer;
import dev.digest.worker.mail.EmailLogStore;
import dev.digest.worker.mail.SmtpCircuit;
import dev.digest.worker.mail.SmtpFailure;
import dev.digest.worker.metrics.JobMetrics;
import dev.digest.worker.config.WorkerConfig;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * A run's recipients: each logged {@code sending}, sent, then logged {@code sent}; or logged
 * {@code skipped} when they unsubscribed. A recipient whose log says sent is never sent again,
 * nor is one the SMTP server refused for good (5xx).
 *
 * <p>Recipients go in chunks: a chunk is rendered, logged {@code sending} in one statement, and
 * sent over the pooled SMTP connections a few at a time; the {@code sent} records are grouped
 * with other runs' (see EmailLogStore). A list of 10,000 recipients takes a statement per chunk,
 * not a round trip per recipient.
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
    private final int chunk;
    private final int sendsAtOnce;

    public RecipientSender(EmailLogStore logs, DigestMailer mailer, JobMetrics metrics, LeaseKeeper leases,
            SmtpCircuit circuit, WorkerConfig config) {
        this.logs = logs;
        this.mailer = mailer;
        this.metrics = metrics;
        this.leases = leases;
        this.circuit = circuit;
        this.chunk = config.recipientChunk();
        this.sendsAtOnce = config.sendsPerRun();
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

    /**
     * Delivers the email to every recipient, {@code first} being the first recipient's email,
     * already rendered. Fails when a recipient's email cannot be rendered (those of earlier
     * chunks may have been sent).
     */
    public Uni<List<Result>> deliver(ClaimedRun run, DigestEmail email, List<String> recipients, RenderedEmail first) {
        List<List<String>> chunks = new ArrayList<>();
        for (int from = 0; from < recipients.size(); from += chunk) {
            chunks.add(recipients.subList(from, Math.min(recipients.size(), from + chunk)));
        }
        String firstRecipient = recipients.get(0);
        return Multi.createFrom().iterable(chunks)
                .onItem().transformToUniAndConcatenate(part -> deliverChunk(run, email, part,
                        address -> address.equals(firstRecipient) ? Uni.createFrom().item(first) : email.render(address)))
                .collect().in(ArrayList<Result>::new, List::addAll)
                .map(results -> (List<Result>) results);
    }

    private Uni<List<Result>> deliverChunk(ClaimedRun run, DigestEmail email, List<String> part,
            Function<String, Uni<RenderedEmail>> render) {
        List<String> unsubscribed = part.stream().filter(email::unsubscribed).toList();
        List<String> addressed = part.stream().filter(address -> !email.unsubscribed(address)).toList();
        Uni<List<Result>> skipped = Multi.createFrom().iterable(unsubscribed)
                .onItem().transformToUniAndConcatenate(address -> skip(run, address)).collect().asList();
        Uni<List<Result>> sent = Multi.createFrom().iterable(addressed)
                .onItem().transformToUniAndConcatenate(address -> render.apply(address)
                        .map(rendered -> new Addressed(address, rendered)))
                .collect().asList()
                .chain(emails -> logs.begin(run.applicationId(), run.id(), emails.stream()
                                .map(one -> new EmailLogStore.Sending(one.address(), one.email().subject())).toList())
                        .chain(toSend -> Multi.createFrom().iterable(emails)
                                .onItem().transformToUni(one -> toSend.contains(one.address())
                                        ? send(run, one.address(), one.email(), email.unsubscribeUrl(one.address()))
                                        : Uni.createFrom().item(Result.done(one.address())))
                                // Every send in flight finishes (and records what it did) before a
                                // failure of another fails the chunk: cancelling a send the server
                                // may already have accepted would lose its 'sent' record.
                                .collectFailures()
                                .merge(sendsAtOnce)
                                .collect().asList()));
        return skipped.chain(skips -> sent.map(sends -> {
            List<Result> all = new ArrayList<>(skips);
            all.addAll(sends);
            return all;
        }));
    }

    private Uni<Result> send(ClaimedRun run, String recipient, RenderedEmail email, String unsubscribeUrl) {
        String messageId = mailer.messageId(run.id(), recipient);
        return mailer.send(recipient, email, messageId, unsubscribeUrl).replaceWith(Result.done(recipient))
                .onFailure().recoverWithUni(failure -> notSent(run, recipient, SmtpFailure.of(failure)))
                .call(result -> result.kind() == Kind.DONE ? recordSent(run, recipient, messageId)
                        : Uni.createFrom().voidItem());
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

    private record Addressed(String address, RenderedEmail email) {
    }
}
