package dev.digest.common.vertx;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PoolTimerRaceTest {

    private static IllegalStateException thrownAt(String className, String message) {
        IllegalStateException failure = new IllegalStateException(message);
        failure.setStackTrace(new StackTraceElement[] {
                new StackTraceElement("io.vertx.core.Promise", "fail", "Promise.java", 90),
                new StackTraceElement(className, "lambda$execute$3", "SqlConnectionPool.java", 216)});
        return failure;
    }

    @Test
    void onlyTheSecondFailureOfAPoolQueryIsRecognised() {
        assertTrue(PoolTimerRace.isTheRace(thrownAt("io.vertx.sqlclient.impl.pool.SqlConnectionPool",
                "Result is already complete")));
        assertFalse(PoolTimerRace.isTheRace(thrownAt("dev.digest.Something", "Result is already complete")),
                "the same message from elsewhere is a real error");
        assertFalse(PoolTimerRace.isTheRace(thrownAt("io.vertx.sqlclient.impl.pool.SqlConnectionPool", "other")));
        assertFalse(PoolTimerRace.isTheRace(new RuntimeException("Result is already complete")));
    }
}
