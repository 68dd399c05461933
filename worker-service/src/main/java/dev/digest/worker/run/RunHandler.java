package dev.digest.worker.run;

import dev.digest.common.content.BadEvent;
import dev.digest.common.content.ContentConfig;
import dev.digest.common.content.ContentStore;
import dev.digest.common.content.DigestComposer;
import dev.digest.common.content.DigestSnapshot;
import dev.digest.common.content.EventGroup;
import dev.digest.common.content.RenderedEmail;
import dev.digest.common.content.UnsubscribeLinks;
import dev.digest.common.content.UnsubscribeTokens;
import dev.digest.common.content.Window;
import dev.digest.common.digest.EmptyWindowPolicy;
import dev.digest.common.job.JobMessage;
import dev.digest.common.run.RunStatus;
import dev.digest.common.run.RunTrigger;
import dev.digest.worker.config.WorkerConfig;
import dev.digest.worker.mail.DigestMailer;
import dev.digest.worker.mail.EmailLogStore;
import dev.digest.worker.metrics.JobMetrics;
import dev.digest.worker.queue.ConsumerName;
import io.quarkus.qute.TemplateException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Carries out one job: claims the run, fixes its window, renders and sends one email per
 * recipient not yet sent (skipping those who unsubscribed), and records the outcome with the
 * events its line templates had to leave out. It knows nothing of Redis; a failure it
 * cannot even record is returned as a failed {@code Uni}, and the message stays pending.
 */
@ApplicationScoped
public class RunHandler {

    private static final Logger LOG = Logger.getLogger(RunHandler.class);

    private final RunStore runs;
    private final ContentStore content;
    private final DigestComposer composer;
    private final UnsubscribeLinks links;
    private final ContentConfig contentConfig;
    private final EmailLogStore logs;
    private final DigestMailer mailer;
    private final WorkerConfig config;
    private final Backoff backoff;
    private final String workerId;
    private final Clock clock;
    private final JobMetrics metrics;
    private final WindowLedger ledger;

    public RunHandler(RunStore runs, ContentStore content, DigestComposer composer, UnsubscribeLinks links,
            ContentConfig contentConfig, EmailLogStore logs, DigestMailer mailer, WorkerConfig config,
            ConsumerName consumer, Clock clock, JobMetrics metrics, WindowLedger ledger) {
        this.runs = runs;
        this.content = content;
        this.composer = composer;
        this.links = links;
        this.contentConfig = contentConfig;
        this.logs = logs;
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
        return content.digest(run.applicationId(), run.digestId()).chain(digest -> {
            if (digest == null) {
                return finish(run, messageId, RunStatus.FAILED, 0, "the digest no longer exists", Outcome.FAILED);
            }
            return window(run).chain(window -> window == null ? waitTurn(run, messageId) : Uni.combine().all()
                    .unis(content.groups(run.applicationId(), digest.eventTypes(), window, composer.rowsPerType()),
                            content.unsubscribed(digest.id()), links.tokens())
                    .with((groups, unsubscribed, signer) -> new Delivery(digest, window, groups, unsubscribed, signer))
                    .chain(delivery -> deliver(run, messageId, delivery)));
        });
    }

    /** Everything one attempt sends from, read before the first email goes out. */
    private record Delivery(DigestSnapshot digest, Window window, List<EventGroup> groups, Set<String> unsubscribed,
            UnsubscribeTokens signer) {
    }

    /**
     * The run's window: kept from an earlier attempt, else (previous successful run's end, now];
     * null when another run of the digest is still delivering its window, so this one must wait.
     */
    private Uni<Window> window(ClaimedRun run) {
        if (run.windowEnd() != null) {
            return Uni.createFrom().item(new Window(run.windowStart(), run.windowEnd()));
        }
        Instant end = run.scheduledFor() != null ? run.scheduledFor() : clock.instant();
        Duration lookback = contentConfig.firstWindowLookback();
        // Events received up to the end may still be committing: wait for them (see WindowLedger).
        Uni<Void> settled = ledger.settled(config.windowSettleMax());
        if (run.trigger() == RunTrigger.TEST) {
            // A test run shows what the next window holds so far, and fixes nothing for others.
            return settled.chain(() -> content.previousWindowEnd(run.digestId(), run.id()))
                    .map(previous -> Window.closingAt(end, previous, lookback))
                    .call(window -> runs.recordWindow(run.id(), window.start(), window.end()));
        }
        return settled.chain(() -> runs.fixWindow(run.id(), run.digestId(), end, lookback));
    }

    /** Another run of the digest is delivering: this one goes back to the queue for a moment. */
    private Uni<Outcome> waitTurn(ClaimedRun run, String messageId) {
        return runs.waitTurn(run.id(), messageId, clock.instant().plus(config.windowBusyDelay()))
                .map(moved -> moved ? Outcome.WAITING : Outcome.IGNORED);
    }

    private Uni<Outcome> deliver(ClaimedRun run, String messageId, Delivery delivery) {
        DigestComposer.Prepared prepared;
        List<String> recipients = run.trigger() == RunTrigger.TEST
                ? List.of(run.testRecipient()) : delivery.digest().recipients();
        RenderedEmail first;
        try {
            prepared = composer.prepare(delivery.digest(), delivery.window(), delivery.groups());
            if (prepared.eventCount() == 0 && delivery.digest().emptyWindow() == EmptyWindowPolicy.SKIP
                    && run.trigger() != RunTrigger.TEST) {
                return finish(run, messageId, RunStatus.SKIPPED, 0, null, prepared.badEvents(), Outcome.SKIPPED);
            }
            // One render before anything is sent: a template that cannot render fails the run
            // without a partial delivery. Recipients differ only in their address and link.
            first = prepared.render(recipients.get(0), unsubscribeUrl(delivery, recipients.get(0)));
        } catch (TemplateException e) {
            return finish(run, messageId, RunStatus.FAILED, 0, "template error: " + e.getMessage(), List.of(),
                    Outcome.FAILED);
        }
        int eventCount = (int) prepared.eventCount();
        return Multi.createFrom().range(0, recipients.size())
                .onItem().transformToUniAndConcatenate(i -> {
                    String recipient = recipients.get(i);
                    if (delivery.unsubscribed().contains(ContentStore.normalizeAddress(recipient))) {
                        return skip(run, recipient);
                    }
                    String link = unsubscribeUrl(delivery, recipient);
                    return sendOne(run, recipient, link, i == 0 ? () -> first : () -> prepared.render(recipient, link));
                })
                .collect().asList()
                .chain(results -> {
                    long failed = results.stream().filter(sent -> !sent).count();
                    if (failed == 0) {
                        return finish(run, messageId, RunStatus.SUCCEEDED, eventCount, null, prepared.badEvents(),
                                Outcome.SUCCEEDED);
                    }
                    return retryOrDie(run, messageId, failed + " of " + recipients.size() + " emails failed");
                });
    }

    private String unsubscribeUrl(Delivery delivery, String recipient) {
        return links.url(delivery.signer(), delivery.digest().id(), recipient);
    }

    /** An unsubscribed recipient: logged as skipped, and done as far as the run is concerned. */
    private Uni<Boolean> skip(ClaimedRun run, String recipient) {
        return logs.skipped(run.applicationId(), run.id(), recipient).map(logged -> {
            if (logged) {
                metrics.emailSkipped();
            }
            return true;
        });
    }

    /** True when the recipient has the email (now or from an earlier attempt). */
    private Uni<Boolean> sendOne(ClaimedRun run, String recipient, String unsubscribeUrl, Supplier<RenderedEmail> render) {
        String messageId = mailer.messageId(run.id(), recipient);
        RenderedEmail email = render.get();
        return logs.begin(run.applicationId(), run.id(), recipient, email.subject()).chain(toSend -> {
            if (!toSend) {
                return Uni.createFrom().item(true);
            }
            // Only an SMTP failure is recorded as a failed email; a database failure after the
            // send fails the attempt, and the row left 'sending' is sent again on retry.
            return mailer.send(recipient, email, messageId, unsubscribeUrl).replaceWith(true)
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
        return finish(run, messageId, status, eventCount, error, List.of(), outcome);
    }

    private Uni<Outcome> finish(ClaimedRun run, String messageId, RunStatus status, int eventCount, String error,
            List<BadEvent> badEvents, Outcome outcome) {
        if (!badEvents.isEmpty()) {
            LOG.warnf("Run %s left out %d events its line templates could not render", run.id(), badEvents.size());
        }
        return runs.finish(run, messageId, status, eventCount, error, badEvents)
                .map(done -> done ? outcome : Outcome.IGNORED);
    }
}
