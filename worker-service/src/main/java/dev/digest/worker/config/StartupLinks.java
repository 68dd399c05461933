package dev.digest.worker.config;

import io.quarkus.vertx.http.HttpServer;
import io.quarkus.vertx.http.HttpServerStart;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import java.net.URI;
import org.jboss.logging.Logger;

/** Logs, once the HTTP server listens, where the worker's health and metrics are. */
@ApplicationScoped
public class StartupLinks {

    private static final Logger LOG = Logger.getLogger(StartupLinks.class);

    private final HttpServer server;

    public StartupLinks(HttpServer server) {
        this.server = server;
    }

    // Fired once the socket is bound and its address known (at StartupEvent it is not yet). A live
    // reload in dev mode keeps the bound server, so the line comes at each real start only.
    void listening(@ObservesAsync HttpServerStart start) {
        LOG.info(message());
    }

    /** The line, with the bound address (a random port in tests, localhost for 0.0.0.0). */
    String message() {
        URI base = server.getLocalBaseUri();
        return "Digest worker ready: health " + base.resolve("q/health") + ", metrics " + base.resolve("q/metrics");
    }
}
