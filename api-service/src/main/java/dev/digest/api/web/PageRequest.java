package dev.digest.api.web;

import java.util.UUID;

/** A validated list request: the id to continue after (null for the first page) and the page size. */
public record PageRequest(UUID after, int limit) {

    /** Rows to fetch: one more than the page, to learn whether another page follows. */
    public int fetchSize() {
        return limit + 1;
    }
}
