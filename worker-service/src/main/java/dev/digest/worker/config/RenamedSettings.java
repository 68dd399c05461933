package dev.digest.worker.config;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.config.Config;

/**
 * Refuses to start a worker that is given a setting under a name it no longer reads. The job
 * stream's names moved from {@code digest.worker.*} to {@code digest.queue.*}, where the api reads
 * them too; a worker left with the old names would consume the default stream while the api
 * publishes elsewhere, and no digest would be sent.
 */
@ApplicationScoped
public class RenamedSettings {

    static final Map<String, String> RENAMED = new TreeMap<>(Map.of(
            "digest.worker.stream", "digest.queue.stream",
            "digest.worker.group", "digest.queue.group",
            "digest.worker.dead-letter-stream", "digest.queue.dead-letter-stream"));

    // Before anything else observes start-up: the consumer must not create its group on the wrong stream first.
    void check(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event, Config config) {
        List<String> problems = problems(config);
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("; ", problems));
        }
    }

    /** One sentence per old name that is set, naming the new one (as properties and as environment variables). */
    static List<String> problems(Config config) {
        List<String> problems = new ArrayList<>();
        RENAMED.forEach((old, current) -> {
            if (config.getOptionalValue(old, String.class).isPresent()) {
                problems.add(old + " (" + env(old) + ") is no longer read: the api and the workers both read "
                        + current + " (" + env(current) + ")");
            }
        });
        return problems;
    }

    private static String env(String property) {
        return property.toUpperCase().replace('.', '_').replace('-', '_');
    }
}
