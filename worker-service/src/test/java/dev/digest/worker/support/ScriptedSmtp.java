package dev.digest.worker.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An SMTP server that answers every command with 250 but {@code RCPT TO} with a reply the test
 * chooses (a 5xx or a 4xx), which GreenMail cannot be made to send. Closing it closes the
 * connections the mail client keeps open as well, so none is reused against the next server.
 */
public final class ScriptedSmtp implements AutoCloseable {

    private final ServerSocket server;
    private final String recipientReply;
    private final Thread thread;
    private final List<Socket> clients = new CopyOnWriteArrayList<>();

    private ScriptedSmtp(int port, String recipientReply) throws IOException {
        this.server = new ServerSocket(port, 10, InetAddress.getLoopbackAddress());
        this.recipientReply = recipientReply;
        this.thread = new Thread(this::serve, "scripted-smtp");
        thread.setDaemon(true);
        thread.start();
    }

    /** Listens on {@code port}, refusing every recipient with {@code reply} (e.g. "550 5.1.1 no such user"). */
    public static ScriptedSmtp rejectingRecipients(int port, String reply) {
        try {
            return new ScriptedSmtp(port, reply);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + port, e);
        }
    }

    private void serve() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                clients.add(client);
                Thread conversation = new Thread(() -> {
                    try (client) {
                        converse(client);
                    } catch (IOException gone) {
                        // The client went away, or the server closed the connection.
                    }
                }, "scripted-smtp-client");
                conversation.setDaemon(true);
                conversation.start();
            } catch (IOException closed) {
                // The server was closed.
            }
        }
    }

    private void converse(Socket client) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
        Writer out = new OutputStreamWriter(client.getOutputStream(), StandardCharsets.US_ASCII);
        reply(out, "220 scripted ESMTP");
        String line;
        while ((line = in.readLine()) != null) {
            String command = line.toUpperCase(Locale.ROOT);
            if (command.startsWith("RCPT")) {
                reply(out, recipientReply);
            } else if (command.startsWith("QUIT")) {
                reply(out, "221 bye");
                return;
            } else {
                reply(out, "250 OK");
            }
        }
    }

    private static void reply(Writer out, String line) throws IOException {
        out.write(line + "\r\n");
        out.flush();
    }

    @Override
    public void close() {
        try {
            server.close();
            for (Socket client : clients) {
                client.close();
            }
            thread.join(5000);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
