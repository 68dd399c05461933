package dev.digest.api.packaged;

import dev.digest.common.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * What the packaged api (jar or native executable, in its production profile) needs to run
 * under test: the test database, a Redis database and stream of its own, an admin key, no
 * dispatcher timer, and Swagger UI turned on as an operator would (it is off in production).
 */
public class PackagedApiResources implements QuarkusTestResourceLifecycleManager {

    static final String ADMIN_KEY = "packaged-it-admin-key-0123456789";

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(new TestDatabase().start());
        config.put("quarkus.redis.hosts", System.getenv().getOrDefault("DIGEST_TEST_REDIS_URL", "redis://localhost:6379/1"));
        config.put("digest.queue.stream", "digest:test:api-packaged:jobs");
        config.put("digest.admin-key", ADMIN_KEY);
        config.put("digest.schedule.enabled", "false");
        config.put("quarkus.log.console.json.enabled", "false");
        config.put("quarkus.swagger-ui.enabled", "true");
        return config;
    }

    @Override
    public void stop() {
    }
}
