package dev.digest.system;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real SMTP server (RFC 5321, no extensions) whose behaviour a test can change while the
 * services talk to it: accept every message (optionally taking a while over each), answer
 * {@code 451} to every recipient, or stop listening so connections are refused. It counts the
 * messages it accepted by Message-ID, duplicates included.
 */
final class ScriptedSmtp implements AutoCloseable {

    /** How the server treats what it is sent. */
    enum Mode { ACCEPT, TEMPORARY_FAILURE }

    private final int port;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "scripted-smtp");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, Integer> received = new ConcurrentHashMap<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private volatile Mode mode = Mode.ACCEPT;
    private volatile long delayMillis;
    private volatile ServerSocket listener;

    ScriptedSmtp() throws IOException {
        port = ServiceProcess.freePort();
        listen();
    }

    int port() {
        return port;
    }

    void mode(Mode mode) {
        this.mode = mode;
    }

    /** Time the server takes before it answers each message's data. */
    void delay(long millis) {
        this.delayMillis = millis;
    }

    /** Closes the listener and every open connection: new connections are refused until {@link #listen()}. */
    synchronized void refuse() throws IOException {
        if (listener != null) {
            listener.close();
            listener = null;
        }
        for (Socket connection : connections) {
            connection.close();
        }
    }

    synchronized void listen() throws IOException {
        if (listener != null) {
            return;
        }
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        listener = socket;
        threads.submit(() -> accept(socket));
    }

    int accepted() {
        return accepted.get();
    }

    /** Message-ID to how many times it was accepted. */
    Map<String, Integer> countsByMessageId() {
        return new HashMap<>(received);
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                connections.add(connection);
                threads.submit(() -> serve(connection));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket connection) {
        try (connection;
                BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(),
                        StandardCharsets.ISO_8859_1));
                OutputStream out = connection.getOutputStream()) {
            reply(out, "220 scripted-smtp ready");
            String line;
            while ((line = in.readLine()) != null) {
                String verb = line.length() < 4 ? line.toUpperCase() : line.substring(0, 4).toUpperCase();
                switch (verb) {
                    case "EHLO", "HELO" -> reply(out, "250 scripted-smtp");
                    case "MAIL", "RSET", "NOOP" -> reply(out, "250 OK");
                    case "RCPT" -> reply(out, mode == Mode.TEMPORARY_FAILURE
                            ? "451 4.3.0 try again later" : "250 OK");
                    case "DATA" -> {
                        reply(out, "354 end with <CRLF>.<CRLF>");
                        String messageId = readData(in);
                        if (delayMillis > 0) {
                            Thread.sleep(delayMillis);
                        }
                        if (mode == Mode.TEMPORARY_FAILURE) {
                            reply(out, "451 4.3.0 try again later");
                        } else {
                            received.merge(messageId == null ? "<none>" : messageId, 1, Integer::sum);
                            accepted.incrementAndGet();
                            reply(out, "250 OK queued");
                        }
                    }
                    case "QUIT" -> {
                        reply(out, "221 bye");
                        return;
                    }
                    default -> reply(out, "502 command not implemented");
                }
            }
        } catch (SocketException e) {
            // The test closed the connection (refuse()), or the client went away.
        } catch (IOException e) {
            // The client went away.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            connections.remove(connection);
        }
    }

    private static String readData(BufferedReader in) throws IOException {
        String messageId = null;
        boolean headers = true;
        String line;
        while ((line = in.readLine()) != null && !line.equals(".")) {
            if (headers && line.isEmpty()) {
                headers = false;
            } else if (headers && line.regionMatches(true, 0, "Message-ID:", 0, 11)) {
                messageId = line.substring(11).trim();
            }
        }
        return messageId;
    }

    private static void reply(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        refuse();
        threads.shutdownNow();
    }
}
