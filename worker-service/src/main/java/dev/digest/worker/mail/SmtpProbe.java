package dev.digest.worker.mail;

import io.smallrye.mutiny.Uni;
import io.vertx.core.net.NetClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.net.NetClient;
import io.vertx.mutiny.core.net.NetSocket;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Talks to the configured SMTP server as a client would, without sending: waits for its 220
 * greeting, says {@code EHLO} and {@code NOOP} and expects 250 to each, then {@code QUIT}. A
 * server that greets but answers 4xx (or nothing) within the timeout is not taking mail.
 */
@ApplicationScoped
public class SmtpProbe {

    static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final NetClient client;
    private final String host;
    private final int port;

    @Inject
    public SmtpProbe(Vertx vertx,
            @ConfigProperty(name = "quarkus.mailer.host", defaultValue = "localhost") String host,
            @ConfigProperty(name = "quarkus.mailer.port") Optional<Integer> port,
            @ConfigProperty(name = "quarkus.mailer.tls") Optional<Boolean> tls,
            @ConfigProperty(name = "quarkus.mailer.ssl", defaultValue = "false") boolean ssl) {
        boolean implicitTls = tls.orElse(ssl);
        this.client = vertx.createNetClient(new NetClientOptions()
                .setConnectTimeout((int) TIMEOUT.toMillis())
                .setSsl(implicitTls));
        this.host = host;
        this.port = port.orElse(implicitTls ? 465 : 25);
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** Null when the server answered as expected; otherwise what went wrong. */
    public Uni<String> problem() {
        return client.connect(port, host)
                .chain(this::converse)
                .ifNoItem().after(TIMEOUT).failWith(() -> new IllegalStateException("no answer within " + TIMEOUT))
                .onFailure().recoverWithItem(failure -> String.valueOf(failure.getMessage()));
    }

    private Uni<String> converse(NetSocket socket) {
        Replies replies = new Replies(socket);
        return replies.next()
                .chain(greeting -> expect(greeting, "220", () -> replies.send("EHLO digest-health")))
                .chain(ehlo -> ehlo.problem != null ? Uni.createFrom().item(ehlo)
                        : expect(ehlo.reply, "250", () -> replies.send("NOOP")))
                .map(noop -> noop.problem != null ? noop.problem
                        : noop.reply.startsWith("250") ? null : "NOOP answered " + noop.reply.strip())
                .eventually(() -> socket.write("QUIT\r\n").onFailure().recoverWithNull().invoke(socket::closeAndForget));
    }

    private static Uni<Step> expect(String reply, String code, java.util.function.Supplier<Uni<String>> next) {
        if (!reply.startsWith(code)) {
            return Uni.createFrom().item(new Step(null, "expected " + code + ", got " + reply.strip()));
        }
        return next.get().map(answer -> new Step(answer, null));
    }

    private static Uni<Step> expect(Step step, String code, java.util.function.Supplier<Uni<String>> next) {
        return step.problem != null ? Uni.createFrom().item(step) : expect(step.reply, code, next);
    }

    private record Step(String reply, String problem) {
    }

    /** Complete SMTP replies (the last line of a multi-line reply has a space after the code). */
    private static final class Replies {
        private final NetSocket socket;
        private final StringBuilder pending = new StringBuilder();
        private final AtomicReference<Consumer<String>> waiting = new AtomicReference<>();

        Replies(NetSocket socket) {
            this.socket = socket;
            socket.handler(this::received);
        }

        Uni<String> next() {
            return Uni.createFrom().emitter(emitter -> {
                waiting.set(emitter::complete);
                socket.exceptionHandler(emitter::fail);
                socket.closeHandler(() -> emitter.fail(new IllegalStateException("the server closed the connection")));
                deliver();
            });
        }

        Uni<String> send(String command) {
            return socket.write(command + "\r\n").chain(this::next);
        }

        private void received(Buffer buffer) {
            pending.append(buffer.toString());
            deliver();
        }

        private void deliver() {
            Consumer<String> consumer = waiting.get();
            if (consumer == null) {
                return;
            }
            int start = 0;
            int end;
            while ((end = pending.indexOf("\r\n", start)) >= 0) {
                String line = pending.substring(start, end);
                start = end + 2;
                if (line.length() < 4 || line.charAt(3) != '-') {
                    pending.delete(0, start);
                    if (waiting.compareAndSet(consumer, null)) {
                        consumer.accept(line);
                    }
                    return;
                }
            }
        }
    }
}
