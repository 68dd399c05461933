package dev.digest.worker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

class RenamedSettingsTest {

    private static Config config(Map<String, String> properties, Map<String, String> environment) {
        return new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(properties, "application.properties", 250),
                        new EnvConfigSource(environment, 300))
                .build();
    }

    @Test
    void theNewNamesAreAccepted() {
        assertEquals(List.of(), RenamedSettings.problems(config(
                Map.of("digest.queue.stream", "a:jobs", "digest.worker.concurrency", "8"),
                Map.of("DIGEST_QUEUE_GROUP", "a"))));
    }

    @Test
    void anOldEnvironmentVariableNamesItsReplacement() {
        List<String> problems = RenamedSettings.problems(config(Map.of(), Map.of("DIGEST_WORKER_STREAM", "a:jobs")));

        assertEquals(1, problems.size());
        assertTrue(problems.get(0).contains("DIGEST_WORKER_STREAM"), problems.get(0));
        assertTrue(problems.get(0).contains("DIGEST_QUEUE_STREAM"), problems.get(0));
    }

    @Test
    void everyOldNameIsReported() {
        List<String> problems = RenamedSettings.problems(config(
                Map.of("digest.worker.group", "a", "digest.worker.dead-letter-stream", "a:dead"),
                Map.of("DIGEST_WORKER_STREAM", "a:jobs")));

        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.stream().anyMatch(problem -> problem.contains("digest.queue.dead-letter-stream")),
                problems.toString());
    }
}
