package dev.digest.system;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.SocketException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real SMTP server standing in for the receiving side. It keeps every message it accepts,
 * duplicates included, so a test can count both what arrived and what a receiver that drops
 * repeated Message-IDs would keep.
 */
final class SmtpSink implements AutoCloseable {

    private final GreenMail server;
    private final int port;
    private final Thread.UncaughtExceptionHandler previous;

    SmtpSink() throws IOException {
        // A worker a test kills drops its SMTP connections (reset, or closed in the middle of a
        // message), and GreenMail's connection thread ends with an uncaught exception; that is
        // the crash the test makes, not a failure of it.
        previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
            if (!(thread.getName().startsWith("smtp:") && droppedConnection(failure)) && previous != null) {
                previous.uncaughtException(thread, failure);
            }
        });
        port = ServiceProcess.freePort();
        server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        server.start();
    }

    private static boolean droppedConnection(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SocketException || cause instanceof java.io.EOFException
                    || String.valueOf(cause.getMessage()).startsWith("Unexpected end of stream")) {
                return true;
            }
        }
        return false;
    }

    int port() {
        return port;
    }

    int received() {
        return server.getReceivedMessages().length;
    }

    /** Message-ID to how many times it arrived. */
    Map<String, Integer> countsByMessageId() throws MessagingException {
        Map<String, Integer> counts = new HashMap<>();
        for (MimeMessage message : server.getReceivedMessages()) {
            counts.merge(message.getMessageID(), 1, Integer::sum);
        }
        return counts;
    }

    /** Every message accepted so far, in arrival order. */
    List<MimeMessage> messages() {
        return List.of(server.getReceivedMessages());
    }

    @Override
    public void close() {
        // The handler stays: connection threads end after stop() returns (their sockets closed
        // under them), and it passes on everything else to the handler it replaced.
        server.stop();
    }
}
