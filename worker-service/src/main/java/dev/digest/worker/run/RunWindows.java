package dev.digest.worker.run;

import dev.digest.common.content.ContentConfig;
import dev.digest.common.content.Window;
import dev.digest.common.run.ClaimedRun;
import dev.digest.common.run.RunLedger;
import dev.digest.common.run.RunTrigger;
import dev.digest.common.run.WindowTurn;
import dev.digest.worker.config.WorkerConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;

/**
 * A claimed run's window: kept from an earlier attempt, else fixed now in the ledger from the
 * previous successful run's end up to the scheduled instant (or now, for a manual run). While
 * another run of the digest delivers its window, the run goes back to wait for its turn.
 */
@ApplicationScoped
public class RunWindows {

    private final RunLedger ledger;
    private final WindowLedger settle;
    private final ContentConfig content;
    private final WorkerConfig config;
    private final Clock clock;

    public RunWindows(RunLedger ledger, WindowLedger settle, ContentConfig content, WorkerConfig config, Clock clock) {
        this.ledger = ledger;
        this.settle = settle;
        this.content = content;
        this.config = config;
        this.clock = clock;
    }

    public Uni<WindowTurn> of(ClaimedRun run) {
        if (run.windowEnd() != null) {
            return Uni.createFrom().item(new WindowTurn(new Window(run.windowStart(), run.windowEnd()), false));
        }
        Instant end = run.scheduledFor() != null ? run.scheduledFor() : clock.instant();
        // Events received up to the end may still be committing: wait for them (see WindowLedger).
        Uni<Void> settled = settle.settled(config.windowSettleMax());
        if (run.trigger() == RunTrigger.TEST) {
            return settled.chain(() -> ledger.testWindow(run, end, content.firstWindowLookback()));
        }
        return settled.chain(() -> ledger.fixWindow(run, end, content.firstWindowLookback(), config.turnWaitMax()));
    }
}
