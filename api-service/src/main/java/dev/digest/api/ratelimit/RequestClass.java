package dev.digest.api.ratelimit;

import dev.digest.api.config.ApiConfig;

/** The buckets a request can draw from; each has its own configured limit. */
public enum RequestClass {
    READ, WRITE, INGEST, ADMIN, OPEN, AUTH_FAILURE;

    int capacity(ApiConfig.RateLimit config) {
        return switch (this) {
            case READ -> config.read();
            case WRITE -> config.write();
            case INGEST -> config.ingest();
            case ADMIN -> config.admin();
            case OPEN -> config.open();
            case AUTH_FAILURE -> config.authFailures();
        };
    }

    String wire() {
        return name().toLowerCase().replace('_', '-');
    }
}
