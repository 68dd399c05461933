package dev.digest.worker.support;

import dev.digest.common.testing.TestCheckout;
import dev.digest.worker.config.WorkerConfig;
import io.quarkus.redis.datasource.RedisDataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The worker's configuration with a stream, group and dead-letter stream of one test's own
 * (and any other values it overrides), for queue classes a test builds itself, so that the
 * worker running in the test application never reads what the test writes. {@link #delete}
 * removes the streams afterwards.
 */
public final class OwnStream {

    private final WorkerConfig config;

    private OwnStream(WorkerConfig config) {
        this.config = config;
    }

    /** {@code base} with new stream names; {@code overrides} maps method names to values. */
    public static OwnStream of(WorkerConfig base, Map<String, Object> overrides) {
        String name = "digest:test:" + TestCheckout.id() + ":" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> values = new HashMap<>(Map.of("stream", name + ":jobs", "group", name + ":group",
                "deadLetterStream", name + ":dead", "consumerName", Optional.of("unit-consumer")));
        values.putAll(overrides);
        WorkerConfig config = (WorkerConfig) Proxy.newProxyInstance(WorkerConfig.class.getClassLoader(),
                new Class<?>[] {WorkerConfig.class}, (proxy, method, args) -> {
                    if (values.containsKey(method.getName()) && method.getParameterCount() == 0) {
                        return values.get(method.getName());
                    }
                    try {
                        return method.invoke(base, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return new OwnStream(config);
    }

    public WorkerConfig config() {
        return config;
    }

    public void delete(RedisDataSource redis) {
        redis.key(String.class).del(config.stream(), config.deadLetterStream());
    }
}
