package dev.digest.worker.packaged;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.digest.common.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

/**
 * What the packaged worker (jar or native executable, in its production profile) needs under
 * test: the test database, a Redis database, stream and group of its own, and a GreenMail SMTP
 * server on a free port, which the test reads.
 */
public class PackagedWorkerResources implements QuarkusTestResourceLifecycleManager {

    static final String REDIS_URI = "redis://localhost:6379/2";
    static final String STREAM = "digest:test:worker-packaged:jobs";
    static volatile GreenMail smtp;
    static volatile Map<String, String> database;

    @Override
    public Map<String, String> start() {
        int port = freePort();
        smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        database = new TestDatabase().start();
        Map<String, String> config = new HashMap<>(database);
        config.put("quarkus.redis.hosts", REDIS_URI);
        config.put("digest.worker.stream", STREAM);
        config.put("digest.worker.group", "digest-test-packaged-workers");
        config.put("digest.worker.dead-letter-stream", STREAM + ":dead");
        config.put("digest.worker.consumer-name", "packaged-worker");
        config.put("quarkus.mailer.host", "127.0.0.1");
        config.put("quarkus.mailer.port", Integer.toString(port));
        config.put("quarkus.log.console.json.enabled", "false");
        return config;
    }

    @Override
    public void stop() {
        if (smtp != null) {
            smtp.stop();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
