package dev.digest.worker.run;

import dev.digest.common.content.BadEvent;
import dev.digest.common.content.DigestEmail;
import dev.digest.common.content.DigestEmails;
import dev.digest.common.content.DigestSnapshot;
import dev.digest.common.content.TemplateMessages;
import dev.digest.common.content.Window;
import dev.digest.common.job.JobMessage;
import dev.digest.common.run.ClaimedRun;
import dev.digest.common.run.RunLedger;
import dev.digest.common.run.RunStatus;
import dev.digest.common.run.RunTrigger;
import dev.digest.worker.queue.ConsumerName;
import io.quarkus.qute.TemplateException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
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
    private final DigestEmails emails;
    private final RecipientSender sender;
    private final RetryPolicy retries;
    private final NextRunSignal nextRun;
    private final String workerId;

    public RunHandler(RunLedger ledger, LeaseKeeper leases, RunWindows windows, DigestEmails emails,
            RecipientSender sender, RetryPolicy retries, NextRunSignal nextRun, ConsumerName consumer) {
        this.ledger = ledger;
        this.leases = leases;
        this.windows = windows;
        this.emails = emails;
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
                    ? finish(run, Ending.dead("attempts exhausted", null))
                    : attempt(run).onFailure().recoverWithUni(failure -> afterFailure(run, failure));
            return outcome.onTermination().invoke(() -> leases.release(run));
        });
    }

    private Uni<Outcome> attempt(ClaimedRun run) {
        return emails.digest(run.applicationId(), run.digestId()).chain(digest -> {
            if (digest == null) {
                return finish(run, Ending.failed("the digest no longer exists"));
            }
            return windows.of(run).chain(turn -> {
                if (turn.lost()) {
                    return Uni.createFrom().item(Outcome.IGNORED);
                }
                if (turn.waiting()) {
                    return Uni.createFrom().item(Outcome.WAITING);
                }
                return email(run, digest, turn.window()).chain(email -> deliver(run, email))
                        .onFailure(TemplateException.class).recoverWithUni(failure -> finish(run,
                                Ending.failed("template error: " + TemplateMessages.describe(failure))));
            });
        });
    }

    /** The window's email; for a test send with sample events, the email of those instead. */
    private Uni<DigestEmail> email(ClaimedRun run, DigestSnapshot digest, Window window) {
        if (run.testEvents() == null) {
            return emails.over(digest, window);
        }
        // A type deleted since the test was asked for: its samples are left out.
        return emails.sampleGroups(run.applicationId(), run.testEvents(), window.end())
                .chain(groups -> emails.over(digest, window, groups));
    }

    /**
     * Renders (on a worker thread, within the template limits) and sends. A template that cannot
     * render, or goes past a limit, fails the run for good: another attempt would fail the same way.
     */
    private Uni<Outcome> deliver(ClaimedRun run, DigestEmail email) {
        List<String> recipients = run.trigger() == RunTrigger.TEST
                ? List.of(run.testRecipient()) : email.digest().recipients();
        if (email.wouldSkip() && run.trigger() != RunTrigger.TEST) {
            return finish(run, Ending.skipped(email.prepared().badEvents()));
        }
        // One render before anything is sent: a template that cannot render fails the run
        // without a partial delivery. Recipients differ only in address and link.
        return email.render(recipients.get(0))
                .chain(first -> sender.deliver(run, email, recipients, first))
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
                    return finish(run, Ending.succeeded((int) email.prepared().eventCount(), note,
                            email.prepared().badEvents()));
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


    private Uni<Outcome> afterFailure(ClaimedRun run, Throwable failure) {
        LOG.warnf("Run %s attempt %d failed: %s", run.id(), run.attempts(), failure.toString());
        return retryOrDie(run, failure.getMessage() == null ? failure.toString() : failure.getMessage(),
                ErrorChain.describe(failure));
    }

    private Uni<Outcome> retryOrDie(ClaimedRun run, String error, String detail) {
        if (retries.exhausted(run)) {
            return finish(run, Ending.dead(error, detail));
        }
        return ledger.retryLater(run, error, detail, retries.nextAttempt(run))
                .map(moved -> moved ? Outcome.RETRY : Outcome.IGNORED);
    }

    private Uni<Outcome> finish(ClaimedRun run, Ending ending) {
        if (!ending.badEvents().isEmpty()) {
            LOG.warnf("Run %s left out %d events its line templates could not render", run.id(), ending.badEvents().size());
        }
        return ledger.finish(run, ending.status(), ending.eventCount(), ending.error(), ending.detail(), ending.badEvents())
                .map(finished -> {
                    if (finished.wokeNext()) {
                        nextRun.wake();
                    }
                    return finished.done() ? Outcome.of(ending.status()) : Outcome.IGNORED;
                });
    }

    /** How a run ends: its final status and what the run records with it. */
    private record Ending(RunStatus status, int eventCount, String error, String detail, List<BadEvent> badEvents) {

        static Ending succeeded(int eventCount, String note, List<BadEvent> badEvents) {
            return new Ending(RunStatus.SUCCEEDED, eventCount, note, null, badEvents);
        }

        /** An empty window under the skip policy: no email. */
        static Ending skipped(List<BadEvent> badEvents) {
            return new Ending(RunStatus.SKIPPED, 0, null, null, badEvents);
        }

        /** For good: another attempt would fail the same way. */
        static Ending failed(String error) {
            return new Ending(RunStatus.FAILED, 0, error, null, List.of());
        }

        static Ending dead(String error, String detail) {
            return new Ending(RunStatus.DEAD, 0, error, detail, List.of());
        }
    }
}
