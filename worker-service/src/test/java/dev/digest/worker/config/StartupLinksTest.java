package dev.digest.worker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.http.HttpServerStart;
import io.restassured.RestAssured;
import io.vertx.core.http.HttpServerOptions;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The start-up line names health and metrics at the address the server really bound. */
@QuarkusTest
class StartupLinksTest {

    @Inject
    StartupLinks links;

    @Test
    void startUpLogsHealthAndMetricsAtTheBoundPort() {
        // Tests listen on a random port (quarkus.http.test-port=0): the line names the real one.
        String base = "http://localhost:" + RestAssured.port + "/";
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(StartupLinks.class.getName());
        logger.addHandler(capture);
        try {
            links.listening(new HttpServerStart(new HttpServerOptions()));
        } finally {
            logger.removeHandler(capture);
        }
        assertEquals(List.of("Digest worker ready: health " + base + "q/health, metrics " + base + "q/metrics"), lines);
    }
}
