package dev.digest.worker.packaged;

import com.icegreen.greenmail.util.GreenMail;
import dev.digest.common.testing.TestDatabase;
import dev.digest.worker.support.TestSmtp;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * What the packaged worker (jar or native executable, in its production profile) needs under
 * test: the test database, a Redis database, stream and group of its own, and a GreenMail SMTP
 * server on a free port, which the test reads.
 */
public class PackagedWorkerResources implements QuarkusTestResourceLifecycleManager {

    static final String REDIS_URI = System.getenv().getOrDefault("DIGEST_TEST_REDIS_URL", "redis://localhost:6379/2");
    static final String STREAM = "digest:test:worker-packaged:jobs";
    static volatile GreenMail smtp;
    static volatile Map<String, String> database;

    @Override
    public Map<String, String> start() {
        // The port the global TestSmtp resource points the mailer at as well.
        int port = TestSmtp.port();
        smtp = new GreenMail(TestSmtp.setup());
        smtp.start();
        database = new TestDatabase().start();
        Map<String, String> config = new HashMap<>(database);
        config.put("quarkus.redis.hosts", REDIS_URI);
        config.put("digest.queue.stream", STREAM);
        config.put("digest.queue.group", "digest-test-packaged-workers");
        config.put("digest.queue.dead-letter-stream", STREAM + ":dead");
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
}
