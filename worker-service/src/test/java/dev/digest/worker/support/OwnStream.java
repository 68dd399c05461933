package dev.digest.worker.support;

import dev.digest.common.job.JobQueueConfig;
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
 * The queue configuration with a stream, group and dead-letter stream of one test's own, and the
 * worker's configuration with any values the test overrides, for queue classes a test builds
 * itself, so that the worker running in the test application never reads what the test writes.
 * {@link #delete} removes the streams afterwards.
 */
public final class OwnStream {

    private final JobQueueConfig queue;
    private final WorkerConfig config;

    private OwnStream(JobQueueConfig queue, WorkerConfig config) {
        this.queue = queue;
        this.config = config;
    }

    /** {@code queue} with new stream names; {@code base} with {@code overrides} (method names to values). */
    public static OwnStream of(JobQueueConfig queue, WorkerConfig base, Map<String, Object> overrides) {
        String name = "digest:test:" + TestCheckout.id() + ":" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> names = Map.of("stream", name + ":jobs", "group", name + ":group",
                "deadLetterStream", name + ":dead");
        Map<String, Object> values = new HashMap<>(Map.of("consumerName", Optional.of("unit-consumer")));
        values.putAll(overrides);
        return new OwnStream(overriding(JobQueueConfig.class, queue, names),
                overriding(WorkerConfig.class, base, values));
    }

    private static <T> T overriding(Class<T> type, T base, Map<String, Object> values) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> {
                    if (values.containsKey(method.getName()) && method.getParameterCount() == 0) {
                        return values.get(method.getName());
                    }
                    try {
                        return method.invoke(base, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                }));
    }

    public JobQueueConfig queue() {
        return queue;
    }

    public WorkerConfig config() {
        return config;
    }

    public void delete(RedisDataSource redis) {
        redis.key(String.class).del(queue.stream(), queue.deadLetterStream());
    }
}
