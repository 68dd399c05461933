package dev.digest.worker.mail;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.core.net.NetClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.net.NetClient;
import io.vertx.mutiny.core.net.NetSocket;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness includes the SMTP server: a worker that cannot reach it would take jobs only to
 * retry them. The check opens a connection to the configured server, waits for its 220
 * greeting (or, with implicit TLS, for the handshake), says QUIT and closes.
 */
@Readiness
@ApplicationScoped
public class SmtpHealthCheck implements AsyncHealthCheck {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final NetClient client;
    private final String host;
    private final int port;
    private final boolean tls;

    @Inject
    public SmtpHealthCheck(Vertx vertx,
            @ConfigProperty(name = "quarkus.mailer.host", defaultValue = "localhost") String host,
            @ConfigProperty(name = "quarkus.mailer.port") Optional<Integer> port,
            @ConfigProperty(name = "quarkus.mailer.tls") Optional<Boolean> tls,
            @ConfigProperty(name = "quarkus.mailer.ssl", defaultValue = "false") boolean ssl) {
        this(vertx, host, port.orElse(tls.orElse(ssl) ? 465 : 25), tls.orElse(ssl));
    }

    private SmtpHealthCheck(Vertx vertx, String host, int port, boolean tls) {
        this.client = vertx.createNetClient(new NetClientOptions()
                .setConnectTimeout((int) TIMEOUT.toMillis())
                .setSsl(tls));
        this.host = host;
        this.port = port;
        this.tls = tls;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return client.connect(port, host)
                .chain(this::greeting)
                .ifNoItem().after(TIMEOUT).failWith(() -> new IllegalStateException("no answer within " + TIMEOUT))
                .map(greeting -> greeting.startsWith("220") || tls
                        ? response(true, null)
                        : response(false, "unexpected greeting: " + greeting.strip()))
                .onFailure().recoverWithItem(failure -> response(false, failure.getMessage()));
    }

    private Uni<String> greeting(NetSocket socket) {
        return Uni.createFrom().<String>emitter(emitter -> {
            socket.handler(buffer -> emitter.complete(buffer.toString()));
            socket.exceptionHandler(emitter::fail);
            socket.closeHandler(() -> emitter.fail(new IllegalStateException("closed without a greeting")));
        }).eventually(() -> socket.write("QUIT\r\n").onFailure().recoverWithNull().invoke(socket::closeAndForget));
    }

    private HealthCheckResponse response(boolean up, String error) {
        var builder = HealthCheckResponse.named("SMTP server").status(up)
                .withData("host", host).withData("port", port);
        if (error != null) {
            builder.withData("error", error);
        }
        return builder.build();
    }
}
