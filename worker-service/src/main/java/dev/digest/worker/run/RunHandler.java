package dev.digest.worker.run;

import dev.digest.common.content.BadEvent;
import dev.digest.common.content.ContentStore;
import dev.digest.common.content.DigestComposer;
import dev.digest.common.content.DigestSnapshot;
import dev.digest.common.content.EventGroup;
import dev.digest.common.content.RenderedEmail;
import dev.digest.common.content.SampleEvents;
import dev.digest.common.content.TemplateMessages;
import dev.digest.common.content.UnsubscribeLinks;
import dev.digest.common.content.UnsubscribeTokens;
import dev.digest.common.content.Window;
import dev.digest.common.digest.EmptyWindowPolicy;
import dev.digest.common.job.JobMessage;
import dev.digest.common.run.ClaimedRun;
import dev.digest.common.run.RunLedger;
import dev.digest.common.run.RunStatus;
import dev.digest.common.run.RunTrigger;
import dev.digest.common.run.WindowTurn;
import dev.digest.worker.queue.ConsumerName;
import io.quarkus.qute.TemplateException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Carries out one job: claims the run in the ledger (with a lease kept while it works), fixes
 * its window, renders and sends one email per recipient not yet sent (skipping those who
 * unsubscribed), and records the outcome with the events its line templates had to leave out.
 * It knows nothing of Redis; a failure it cannot even record is returned as a failed
 * {@code Uni}, and the message stays pending (the lease and the reconciler cover the rest).
 */
@ApplicationScoped
public class RunHandler {

    private static final Logger LOG = Logger.getLogger(RunHandler.class);

    private final RunLedger ledger;
    private final LeaseKeeper leases;
    private final RunWindows windows;
    private final ContentStore content;
    private final DigestComposer composer;
    private final UnsubscribeLinks links;
    private final RecipientSender sender;
    private final RetryPolicy retries;
    private final NextRunSignal nextRun;
    private final String workerId;

    public RunHandler(RunLedger ledger, LeaseKeeper leases, RunWindows windows, ContentStore content,
            DigestComposer composer, UnsubscribeLinks links, RecipientSender sender, RetryPolicy retries,
            NextRunSignal nextRun, ConsumerName consumer) {
        this.ledger = ledger;
        this.leases = leases;
        this.windows = windows;
        this.content = content;
        this.composer = composer;
        this.links = links;
        this.sender = sender;
        this.retries = retries;
        this.nextRun = nextRun;
        this.workerId = consumer.get();
    }

    public Uni<Outcome> handle(JobMessage job, String messageId) {
        return ledger.claim(job.runId(), messageId, workerId, leases.lease()).chain(run -> {
            if (run == null) {
                return Uni.createFrom().item(Outcome.IGNORED);
            }
            leases.hold(run);
            Uni<Outcome> outcome = retries.overdrawn(run)
                    ? finish(run, RunStatus.DEAD, 0, "attempts exhausted", List.of(), Outcome.DEAD)
                    : attempt(run).onFailure().recoverWithUni(failure -> afterFailure(run, failure));
            return outcome.onTermination().invoke(() -> leases.release(run));
        });
    }

    private Uni<Outcome> attempt(ClaimedRun run) {
        return content.digest(run.applicationId(), run.digestId()).chain(digest -> {
            if (digest == null) {
                return finish(run, RunStatus.FAILED, 0, "the digest no longer exists", List.of(), Outcome.FAILED);
            }
            return windows.of(run).chain(turn -> {
                if (turn.lost()) {
                    return Uni.createFrom().item(Outcome.IGNORED);
                }
                if (turn.waiting()) {
                    return Uni.createFrom().item(Outcome.WAITING);
                }
                return gather(run, digest, turn).chain(delivery -> deliver(run, delivery));
            });
        });
    }

    private Uni<Delivery> gather(ClaimedRun run, DigestSnapshot digest, WindowTurn turn) {
        Window window = turn.window();
        return Uni.combine().all()
                .unis(groups(run, digest, window), content.unsubscribed(digest.id()), links.tokens())
                .with((groups, unsubscribed, signer) -> new Delivery(digest, window, groups, unsubscribed, signer));
    }

    /** The window's events; for a test send with sample events, those instead. */
    private Uni<List<EventGroup>> groups(ClaimedRun run, DigestSnapshot digest, Window window) {
        if (run.testEvents() == null) {
            return content.groups(run.applicationId(), digest.eventTypes(), window, composer.rowsPerType());
        }
        List<String> types = run.testEvents().stream().map(SampleEvents.Sample::type).distinct().toList();
        return content.eventTypes(run.applicationId(), types).map(known -> {
            // A type deleted since the test was asked for: its samples are left out.
            List<SampleEvents.Sample> samples = run.testEvents().stream()
                    .filter(sample -> known.containsKey(sample.type())).toList();
            return SampleEvents.groups(samples, known, window.end(), composer.rowsPerType());
        });
    }

    /** Everything one attempt sends from, read before the first email goes out. */
    private record Delivery(DigestSnapshot digest, Window window, List<EventGroup> groups, Set<String> unsubscribed,
            UnsubscribeTokens signer) {
    }

    /**
     * Renders (on a worker thread, within the template limits) and sends. A template that cannot
     * render, or goes past a limit, fails the run for good: another attempt would fail the same way.
     */
    private Uni<Outcome> deliver(ClaimedRun run, Delivery delivery) {
        List<String> recipients = run.trigger() == RunTrigger.TEST
                ? List.of(run.testRecipient()) : delivery.digest().recipients();
        return composer.prepareAsync(delivery.digest(), delivery.window(), delivery.groups())
                .chain(prepared -> {
                    if (prepared.eventCount() == 0 && delivery.digest().emptyWindow() == EmptyWindowPolicy.SKIP
                            && run.trigger() != RunTrigger.TEST) {
                        return finish(run, RunStatus.SKIPPED, 0, null, prepared.badEvents(), Outcome.SKIPPED);
                    }
                    // One render before anything is sent: a template that cannot render fails the
                    // run without a partial delivery. Recipients differ only in address and link.
                    return composer.renderAsync(prepared, recipients.get(0), unsubscribeUrl(delivery, recipients.get(0)))
                            .chain(first -> sendAll(run, delivery, prepared, recipients, first));
                })
                .onFailure(TemplateException.class).recoverWithUni(failure -> finish(run, RunStatus.FAILED, 0,
                        "template error: " + TemplateMessages.describe(failure), List.of(), Outcome.FAILED));
    }

    private Uni<Outcome> sendAll(ClaimedRun run, Delivery delivery, DigestComposer.Prepared prepared,
            List<String> recipients, RenderedEmail first) {
        return Multi.createFrom().range(0, recipients.size())
                .onItem().transformToUniAndConcatenate(i -> {
                    String recipient = recipients.get(i);
                    if (delivery.unsubscribed().contains(ContentStore.normalizeAddress(recipient))) {
                        return sender.skip(run, recipient);
                    }
                    String link = unsubscribeUrl(delivery, recipient);
                    return sender.send(run, recipient, link, i == 0 ? Uni.createFrom().item(first)
                            : composer.renderAsync(prepared, recipient, link));
                })
                .collect().asList()
                .chain(results -> {
                    List<RecipientSender.Result> deferred = results.stream()
                            .filter(r -> r.kind() == RecipientSender.Kind.DEFERRED).toList();
                    long refused = results.stream().filter(r -> r.kind() == RecipientSender.Kind.REFUSED).count();
                    if (!deferred.isEmpty()) {
                        return retryOrDie(run, deferred.size() + " of " + recipients.size()
                                + " emails could not be sent", failures(deferred));
                    }
                    // A recipient refused for good fails alone: the others have their email.
                    String note = refused == 0 ? null
                            : refused + " of " + recipients.size() + " recipients refused by the SMTP server";
                    return finish(run, RunStatus.SUCCEEDED, (int) prepared.eventCount(), note, prepared.badEvents(),
                            Outcome.SUCCEEDED);
                });
    }

    /** The first few recipients' failures, for the attempt history. */
    private static String failures(List<RecipientSender.Result> failed) {
        StringBuilder text = new StringBuilder();
        for (RecipientSender.Result result : failed.subList(0, Math.min(3, failed.size()))) {
            text.append(result.recipient()).append(":\n").append(ErrorChain.describe(result.failure()));
        }
        if (failed.size() > 3) {
            text.append("... and ").append(failed.size() - 3).append(" more recipients\n");
        }
        return text.length() <= ErrorChain.MAX_CHARS ? text.toString() : text.substring(0, ErrorChain.MAX_CHARS);
    }

    private String unsubscribeUrl(Delivery delivery, String recipient) {
        return links.url(delivery.signer(), delivery.digest().id(), recipient);
    }

    private Uni<Outcome> afterFailure(ClaimedRun run, Throwable failure) {
        LOG.warnf("Run %s attempt %d failed: %s", run.id(), run.attempts(), failure.toString());
        return retryOrDie(run, failure.getMessage() == null ? failure.toString() : failure.getMessage(),
                ErrorChain.describe(failure));
    }

    private Uni<Outcome> retryOrDie(ClaimedRun run, String error, String detail) {
        if (retries.exhausted(run)) {
            return finish(run, RunStatus.DEAD, 0, error, detail, List.of(), Outcome.DEAD);
        }
        return ledger.retryLater(run, error, detail, retries.nextAttempt(run))
                .map(moved -> moved ? Outcome.RETRY : Outcome.IGNORED);
    }

    private Uni<Outcome> finish(ClaimedRun run, RunStatus status, int eventCount, String error,
            List<BadEvent> badEvents, Outcome outcome) {
        return finish(run, status, eventCount, error, null, badEvents, outcome);
    }

    private Uni<Outcome> finish(ClaimedRun run, RunStatus status, int eventCount, String error, String detail,
            List<BadEvent> badEvents, Outcome outcome) {
        if (!badEvents.isEmpty()) {
            LOG.warnf("Run %s left out %d events its line templates could not render", run.id(), badEvents.size());
        }
        return ledger.finish(run, status, eventCount, error, detail, badEvents).map(finished -> {
            if (finished.wokeNext()) {
                nextRun.wake();
            }
            return finished.done() ? outcome : Outcome.IGNORED;
        });
    }
}
