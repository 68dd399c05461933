package dev.digest.api.event;

import java.util.List;
import java.util.UUID;

/** Ids in request order; a replayed idempotency key gives the id of the event first stored with it. */
public record IngestResult(List<UUID> ids, int created, int replayed) {
}
