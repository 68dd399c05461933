package dev.digest.common.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class RunTransitionTest {

    @Test
    void everyTransitionOfTheLedgerIsAMoveTheStatusMachineAllows() {
        for (RunTransition transition : RunTransition.values()) {
            assertTrue(transition.allowedByStatusMachine(), transition.name());
        }
    }

    @Test
    void finishingMovesOnlyToOutcomes() {
        assertEquals(EnumSet.of(RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.SKIPPED, RunStatus.DEAD),
                RunTransition.FINISH.to());
        assertThrows(IllegalArgumentException.class, () -> RunTransition.FINISH.checkTarget(RunStatus.QUEUED));
        assertEquals(RunStatus.DEAD, RunTransition.FINISH.checkTarget(RunStatus.DEAD));
    }

    @Test
    void aFinishedRunIsNeverTakenBack() {
        assertFalse(RunTransition.REQUEUE.from().contains(RunStatus.SUCCEEDED));
        assertFalse(RunTransition.REQUEUE_LAPSED.from().contains(RunStatus.SUCCEEDED));
        assertFalse(RunTransition.CLAIM.from().contains(RunStatus.SUCCEEDED));
    }

    @Test
    void aBulkRetryTakesOnlyFailedOrDeadRuns() {
        assertEquals(RunStatus.DEAD, RunTransition.REQUEUE.checkSource(RunStatus.DEAD));
        assertThrows(IllegalArgumentException.class, () -> RunTransition.REQUEUE.checkSource(RunStatus.RUNNING));
        assertEquals(EnumSet.of(RunStatus.QUEUED), RunTransition.CANCEL.from());
    }

    @Test
    void thePurgeRemovesOnlyFinishedRuns() {
        assertEquals(EnumSet.of(RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.SKIPPED, RunStatus.DEAD,
                RunStatus.CANCELLED), RunTransition.PURGE_FINISHED.from());
        assertTrue(RunTransition.PURGE_FINISHED.to().isEmpty(), "a purged run is gone, not moved");
    }
}
