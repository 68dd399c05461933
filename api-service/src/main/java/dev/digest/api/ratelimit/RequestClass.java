package dev.digest.api.ratelimit;

import dev.digest.api.config.ApiConfig;

/** The buckets a request can draw from; each has its own configured limit. */
public enum RequestClass {
    READ, WRITE, INGEST, ADMIN, OPEN;

    int capacity(ApiConfig.RateLimit config) {
        return switch (this) {
            case READ -> config.read();
            case WRITE -> config.write();
            case INGEST -> config.ingest();
            case ADMIN -> config.admin();
            case OPEN -> config.open();
        };
    }

    String wire() {
        return name().toLowerCase();
    }
}
