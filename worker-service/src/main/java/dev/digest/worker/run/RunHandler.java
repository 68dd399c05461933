package dev.digest.worker.run;

import dev.digest.common.digest.EmptyWindowPolicy;
import dev.digest.common.job.JobMessage;
import dev.digest.common.run.RunStatus;
import dev.digest.common.run.RunTrigger;
import dev.digest.worker.config.WorkerConfig;
import dev.digest.worker.mail.DigestMailer;
import dev.digest.worker.mail.DigestRenderer;
import dev.digest.worker.mail.EmailLogStore;
import dev.digest.worker.mail.RenderedEmail;
import dev.digest.worker.metrics.JobMetrics;
import dev.digest.worker.queue.ConsumerName;
import io.quarkus.qute.TemplateException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Carries out one job: claims the run, fixes its window, renders and sends one email per
 * recipient not yet sent, and records the outcome. It knows nothing of Redis; a failure it
 * cannot even record is returned as a failed {@code Uni}, and the message stays pending.
 */
@ApplicationScoped
public class RunHandler {

    private static final Logger LOG = Logger.getLogger(RunHandler.class);

    private final RunStore runs;
    private final DigestSource source;
    private final EmailLogStore logs;
    private final DigestRenderer renderer;
    private final DigestMailer mailer;
    private final WorkerConfig config;
    private final Backoff backoff;
    private final String workerId;
    private final Clock clock;
    private final JobMetrics metrics;
    private final WindowLedger ledger;

    public RunHandler(RunStore runs, DigestSource source, EmailLogStore logs, DigestRenderer renderer,
            DigestMailer mailer, WorkerConfig config, ConsumerName consumer, Clock clock, JobMetrics metrics,
            WindowLedger ledger) {
        this.runs = runs;
        this.source = source;
        this.logs = logs;
        this.renderer = renderer;
        this.mailer = mailer;
        this.config = config;
        this.backoff = new Backoff(config.backoffInitial(), config.backoffMax());
        this.workerId = consumer.get();
        this.clock = clock;
        this.metrics = metrics;
        this.ledger = ledger;
    }

    public Uni<Outcome> handle(JobMessage job, String messageId) {
        return runs.claim(job.runId(), messageId, workerId).chain(run -> {
            if (run == null) {
                return Uni.createFrom().item(Outcome.IGNORED);
            }
            if (run.attempts() > config.maxAttempts()) {
                return finish(run, messageId, RunStatus.DEAD, 0, "attempts exhausted", Outcome.DEAD);
            }
            return attempt(run, messageId)
                    .onFailure().recoverWithUni(failure -> afterFailure(run, messageId, failure));
        });
    }

    private Uni<Outcome> attempt(ClaimedRun run, String messageId) {
        return source.digest(run.digestId()).chain(digest -> {
            if (digest == null) {
                return finish(run, messageId, RunStatus.FAILED, 0, "the digest no longer exists", Outcome.FAILED);
            }
            return window(run).chain(window -> source.events(run.applicationId(), digest.eventTypes(), window[0], window[1])
                    .chain(events -> deliver(run, messageId, digest, window, events)));
        });
    }

    /** The run's window: kept from an earlier attempt, else (previous successful run's end, now]. */
    private Uni<Instant[]> window(ClaimedRun run) {
        if (run.windowEnd() != null) {
            return Uni.createFrom().item(new Instant[] {run.windowStart(), run.windowEnd()});
        }
        Instant end = run.scheduledFor() != null ? run.scheduledFor() : clock.instant();
        // Events received up to the end may still be committing: wait for them (see WindowLedger).
        return ledger.settled(config.windowSettleMax())
                .chain(() -> runs.previousWindowEnd(run.digestId(), run.id())).chain(previous -> {
            Instant start = previous != null && previous.isBefore(end) ? previous : end.minus(config.firstWindowLookback());
            return runs.recordWindow(run.id(), start, end).replaceWith(new Instant[] {start, end});
        });
    }

    private Uni<Outcome> deliver(ClaimedRun run, String messageId, DigestSnapshot digest, Instant[] window,
            List<WindowEvent> events) {
        if (events.isEmpty() && digest.emptyWindow() == EmptyWindowPolicy.SKIP && run.trigger() != RunTrigger.TEST) {
            return finish(run, messageId, RunStatus.SKIPPED, 0, null, Outcome.SKIPPED);
        }
        List<String> recipients = run.trigger() == RunTrigger.TEST ? List.of(run.testRecipient()) : digest.recipients();
        List<RenderedEmail> emails;
        try {
            emails = recipients.stream().map(r -> renderer.render(digest, window[0], window[1], events, r)).toList();
        } catch (TemplateException e) {
            return finish(run, messageId, RunStatus.FAILED, events.size(), "template error: " + e.getMessage(),
                    Outcome.FAILED);
        }
        return Multi.createFrom().range(0, recipients.size())
                .onItem().transformToUniAndConcatenate(i -> sendOne(run, recipients.get(i), emails.get(i)))
                .collect().asList()
                .chain(results -> {
                    long failed = results.stream().filter(sent -> !sent).count();
                    if (failed == 0) {
                        return finish(run, messageId, RunStatus.SUCCEEDED, events.size(), null, Outcome.SUCCEEDED);
                    }
                    return retryOrDie(run, messageId, failed + " of " + recipients.size() + " emails failed");
                });
    }

    /** True when the recipient has the email (now or from an earlier attempt). */
    private Uni<Boolean> sendOne(ClaimedRun run, String recipient, RenderedEmail email) {
        String messageId = mailer.messageId(run.id(), recipient);
        return logs.begin(run.applicationId(), run.id(), recipient, email.subject()).chain(toSend -> {
            if (!toSend) {
                return Uni.createFrom().item(true);
            }
            // Only an SMTP failure is recorded as a failed email; a database failure after the
            // send fails the attempt, and the row left 'sending' is sent again on retry.
            return mailer.send(recipient, email, messageId).replaceWith(true)
                    .onFailure().recoverWithUni(failure -> {
                        metrics.emailFailed();
                        LOG.warnf("Run %s: sending to a recipient failed: %s", run.id(), failure.toString());
                        return logs.failed(run.id(), recipient, failure.getMessage()).replaceWith(false);
                    })
                    .chain(sent -> {
                        if (!sent) {
                            return Uni.createFrom().item(false);
                        }
                        metrics.emailSent();
                        return logs.sent(run.id(), recipient, messageId).replaceWith(true);
                    });
        });
    }

    private Uni<Outcome> afterFailure(ClaimedRun run, String messageId, Throwable failure) {
        LOG.warnf("Run %s attempt %d failed: %s", run.id(), run.attempts(), failure.toString());
        return retryOrDie(run, messageId, failure.getMessage() == null ? failure.toString() : failure.getMessage());
    }

    private Uni<Outcome> retryOrDie(ClaimedRun run, String messageId, String error) {
        if (run.attempts() >= config.maxAttempts()) {
            return finish(run, messageId, RunStatus.DEAD, 0, error, Outcome.DEAD);
        }
        Instant next = clock.instant().plus(backoff.after(run.attempts()));
        return runs.retryLater(run.id(), messageId, error, next)
                .map(moved -> moved ? Outcome.RETRY : Outcome.IGNORED);
    }

    private Uni<Outcome> finish(ClaimedRun run, String messageId, RunStatus status, int eventCount, String error,
            Outcome outcome) {
        return runs.finish(run, messageId, status, eventCount, error).map(done -> done ? outcome : Outcome.IGNORED);
    }
}
