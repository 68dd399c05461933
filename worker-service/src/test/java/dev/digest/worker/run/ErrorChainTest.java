package dev.digest.worker.run;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class ErrorChainTest {

    @Test
    void theChainNamesEachCauseWithWhereItWasThrown() {
        Exception failure = new IllegalStateException("sending failed", new IOException("channel closed",
                new ConnectException("Connection refused")));

        String text = ErrorChain.describe(failure);

        assertTrue(text.startsWith("java.lang.IllegalStateException: sending failed\n    at "), text);
        assertTrue(text.contains("Caused by: java.io.IOException: channel closed\n"), text);
        assertTrue(text.contains("Caused by: java.net.ConnectException: Connection refused\n"), text);
        assertTrue(text.contains("ErrorChainTest"), "frames say where: " + text);
    }

    @Test
    void aDeepChainIsBounded() {
        Throwable failure = new RuntimeException("x".repeat(3000));
        for (int i = 0; i < 20; i++) {
            failure = new RuntimeException("wrapped " + i + " " + "y".repeat(500), failure);
        }
        assertTrue(ErrorChain.describe(failure).length() <= ErrorChain.MAX_CHARS);
    }
}
