package dev.digest.api.web;

import dev.digest.api.config.ApiConfig;
import jakarta.enterprise.context.ApplicationScoped;

/** Reads {@code limit} and {@code cursor} query parameters against the configured bounds. */
@ApplicationScoped
public class Pagination {

    private final ApiConfig.Pagination config;

    public Pagination(ApiConfig config) {
        this.config = config.pagination();
    }

    public PageRequest of(String cursor, Integer limit) {
        int size = limit == null ? config.defaultLimit() : limit;
        if (size < 1 || size > config.maxLimit()) {
            throw ProblemException.invalid("limit", "must be between 1 and " + config.maxLimit());
        }
        return new PageRequest(Cursor.decode(cursor), size);
    }
}
