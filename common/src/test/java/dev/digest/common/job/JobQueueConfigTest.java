package dev.digest.common.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one place both services read the queue's names from. */
class JobQueueConfigTest {

    /** Stands for the api's own mapping, which covers the whole {@code digest} prefix. */
    @ConfigMapping(prefix = "digest")
    interface WholePrefix {
        @WithDefault("50")
        int pageSize();
    }

    private static SmallRyeConfig config(Map<String, String> properties, Map<String, String> environment) {
        return new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(properties, "application.properties", 250),
                        new EnvConfigSource(environment, 300))
                .withMapping(JobQueueConfig.class)
                .withMapping(WholePrefix.class)
                .withValidateUnknown(true)
                .build();
    }

    @Test
    void defaultsNameTheStreamGroupAndDeadLetterStream() {
        JobQueueConfig queue = config(Map.of(), Map.of()).getConfigMapping(JobQueueConfig.class);

        assertEquals("digest:jobs", queue.stream());
        assertEquals("digest-workers", queue.group());
        assertEquals("digest:jobs:dead", queue.deadLetterStream());
        assertEquals(Duration.ofSeconds(15), queue.publishGrace());
        assertEquals(Duration.ofSeconds(2), queue.publishTimeout());
    }

    @Test
    void propertiesNameTheQueue() {
        JobQueueConfig queue = config(Map.of("digest.queue.stream", "tenant-a:jobs", "digest.queue.group", "tenant-a",
                "digest.queue.dead-letter-stream", "tenant-a:dead"), Map.of()).getConfigMapping(JobQueueConfig.class);

        assertEquals("tenant-a:jobs", queue.stream());
        assertEquals("tenant-a", queue.group());
        assertEquals("tenant-a:dead", queue.deadLetterStream());
    }

    @Test
    void environmentVariablesOverrideTheProperties() {
        JobQueueConfig queue = config(Map.of("digest.queue.stream", "from-file"),
                Map.of("DIGEST_QUEUE_STREAM", "from-env", "DIGEST_QUEUE_DEAD_LETTER_STREAM", "from-env:dead"))
                .getConfigMapping(JobQueueConfig.class);

        assertEquals("from-env", queue.stream());
        assertEquals("from-env:dead", queue.deadLetterStream());
        assertEquals("digest-workers", queue.group());
    }

    @Test
    void aMappingOfTheWholePrefixLeavesTheQueueSettingsToThisOne() {
        SmallRyeConfig config = config(Map.of("digest.queue.stream", "shared:jobs", "digest.page-size", "20"), Map.of());

        assertEquals("shared:jobs", config.getConfigMapping(JobQueueConfig.class).stream());
        assertEquals(20, config.getConfigMapping(WholePrefix.class).pageSize());
    }
}
