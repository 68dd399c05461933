package dev.digest.api.config;

import io.quarkus.vertx.http.HttpServer;
import io.quarkus.vertx.http.HttpServerStart;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import java.net.URI;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Logs, once the HTTP server listens, the addresses a person starting the api wants to open. */
@ApplicationScoped
public class StartupLinks {

    private static final Logger LOG = Logger.getLogger(StartupLinks.class);

    private final HttpServer server;
    private final boolean swaggerUi;

    public StartupLinks(HttpServer server,
            @ConfigProperty(name = "quarkus.swagger-ui.enabled", defaultValue = "false") boolean swaggerUi) {
        this.server = server;
        this.swaggerUi = swaggerUi;
    }

    // Fired once the socket is bound and its address known (at StartupEvent it is not yet). A live
    // reload in dev mode keeps the bound server, so the line comes at each real start only.
    void listening(@ObservesAsync HttpServerStart start) {
        LOG.info(message());
    }

    /** The line, with the bound address (a random port in tests, localhost for 0.0.0.0). */
    String message() {
        URI base = server.getLocalBaseUri();
        String docs = swaggerUi ? "Swagger UI " + base.resolve("q/swagger-ui") : "OpenAPI " + base.resolve("q/openapi");
        return "Digest API ready: operations console " + base.resolve("dashboard") + ", " + docs;
    }
}
