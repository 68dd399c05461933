package dev.digest.worker.support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** No re-publisher, reconciler, reclaim or lease renewal: nothing but the test moves runs and jobs. */
public class TimersOff implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.scheduler.enabled", "false");
    }
}
