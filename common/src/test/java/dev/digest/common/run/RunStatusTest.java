package dev.digest.common.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RunStatusTest {

    @Test
    void finishedRunsCannotMoveButFailedOnesCanBeRetried() {
        assertTrue(RunStatus.SUCCEEDED.isFinal());
        assertTrue(RunStatus.SKIPPED.isFinal());
        assertTrue(RunStatus.FAILED.canMoveTo(RunStatus.QUEUED));
        assertTrue(RunStatus.DEAD.canMoveTo(RunStatus.QUEUED));
        assertFalse(RunStatus.QUEUED.canMoveTo(RunStatus.SUCCEEDED));
        assertFalse(RunStatus.SUCCEEDED.canMoveTo(RunStatus.QUEUED));
    }

    @Test
    void onlyAQueuedRunCanBeCancelledAndACancelledRunStaysSo() {
        assertTrue(RunStatus.QUEUED.canMoveTo(RunStatus.CANCELLED));
        assertFalse(RunStatus.RUNNING.canMoveTo(RunStatus.CANCELLED));
        assertTrue(RunStatus.CANCELLED.isFinal());
    }

    @Test
    void statusesTravelAsLowerCaseNames() {
        assertEquals("running", RunStatus.RUNNING.wire());
        assertEquals(RunStatus.DEAD, RunStatus.fromWire("dead"));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> RunStatus.fromWire("DEAD"));
        assertEquals("must be one of queued, running, succeeded, failed, skipped, dead, cancelled", error.getMessage());
    }

    @Test
    void aSentEmailIsNeverSentAgain() {
        assertTrue(EmailStatus.SENT.next().isEmpty());
        assertTrue(EmailStatus.FAILED.canMoveTo(EmailStatus.SENDING));
        assertEquals(EmailStatus.SKIPPED, EmailStatus.fromWire("skipped"));
    }
}
