package dev.digest.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The packaged api (production profile) refuses to start without a usable admin key, and says so without echoing it. */
class ApiStartupIT {

    @ParameterizedTest
    @ValueSource(strings = {"", "short-key-123"})
    void startUpFailsWithoutAProperAdminKey(String adminKey) throws Exception {
        Map<String, String> env = adminKey.isEmpty()
                ? Map.of("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/digest_startup_never_created")
                : Map.of("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/digest_startup_never_created",
                        "DIGEST_ADMIN_KEY", adminKey);
        try (ServiceProcess api = ServiceProcess.start("startup-" + (adminKey.isEmpty() ? "none" : "short"),
                Path.of(System.getProperty("digest.api.jar")), env,
                Path.of(System.getProperty("digest.system.logs", "target/system-logs")))) {
            Integer exit = api.awaitExit(Duration.ofSeconds(60));
            String log = api.logText();
            assertNotNull(exit, "the api kept running: " + log);
            assertNotEquals(0, exit);
            assertTrue(log.contains("digest.admin-key"), log);
            // It failed on the key, before it ever reached for the (missing) database.
            assertFalse(log.contains("digest_startup_never_created\" does not exist"), log);
            if (adminKey.isEmpty()) {
                assertTrue(log.contains("DIGEST_ADMIN_KEY"), "names the variable to set: " + log);
            } else {
                assertFalse(log.contains(adminKey), "the rejected key is not echoed");
            }
            assertEquals(false, api.isAlive());
        }
    }
}
