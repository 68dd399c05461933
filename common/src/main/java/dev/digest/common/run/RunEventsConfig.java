package dev.digest.common.run;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Where run state changes are announced ({@code digest.events.*}, {@code DIGEST_EVENTS_*}). Both
 * services must name the same channel. Redis pub/sub channels are server-wide, not per database,
 * so two deployments sharing one Redis server need different names.
 */
@ConfigMapping(prefix = "digest.events")
public interface RunEventsConfig {

    /** The Redis pub/sub channel of run state changes. */
    @WithDefault("digest:runs:events")
    String channel();
}
