package dev.digest.api.operations;

import dev.digest.api.domain.NotFoundException;
import dev.digest.api.web.DependencyUnavailableException;
import dev.digest.common.job.JobMessage;
import dev.digest.common.job.JobQueueConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/** The dead-letter stream, newest first: listed with each run's current status, and entries removed. */
@ApplicationScoped
public class DeadLetters {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Pattern STREAM_ID = Pattern.compile("\\d{1,20}-\\d{1,20}");
    private static final String STATUSES = "SELECT id, status FROM digest_runs WHERE id = ANY($1::uuid[])";

    private final Redis redis;
    private final Pool pool;
    private final String stream;

    public DeadLetters(ReactiveRedisDataSource redis, Pool pool, JobQueueConfig queue) {
        this.redis = redis.getRedis();
        this.pool = pool;
        this.stream = queue.deadLetterStream();
    }

    /** Up to {@code limit} entries older than {@code before} (an entry id; null for the newest). */
    public Uni<List<DeadLetter>> page(String before, int limit) {
        String end = before == null ? "+" : "(" + checked(before);
        return redis.send(Request.cmd(Command.XREVRANGE).arg(stream).arg(end).arg("-").arg("COUNT").arg(limit))
                .ifNoItem().after(TIMEOUT).fail()
                .onFailure().transform(DeadLetters::unavailable)
                .map(DeadLetters::entries)
                .chain(this::withStatuses);
    }

    /** The entry, or a 404. */
    public Uni<DeadLetter> get(String id) {
        String entry = checked(id);
        return redis.send(Request.cmd(Command.XRANGE).arg(stream).arg(entry).arg(entry))
                .ifNoItem().after(TIMEOUT).fail()
                .onFailure().transform(DeadLetters::unavailable)
                .map(DeadLetters::entries)
                .chain(this::withStatuses)
                .map(found -> {
                    if (found.isEmpty()) {
                        throw NotFoundException.of("Dead letter");
                    }
                    return found.get(0);
                });
    }

    /** Removes the entry; false when there was none. */
    public Uni<Boolean> remove(String id) {
        return redis.send(Request.cmd(Command.XDEL).arg(stream).arg(checked(id)))
                .ifNoItem().after(TIMEOUT).fail()
                .onFailure().transform(DeadLetters::unavailable)
                .map(deleted -> deleted.toLong() > 0);
    }

    private static String checked(String id) {
        if (id == null || !STREAM_ID.matcher(id).matches()) {
            throw NotFoundException.of("Dead letter");
        }
        return id;
    }

    private static Throwable unavailable(Throwable failure) {
        return failure instanceof NotFoundException ? failure
                : new DependencyUnavailableException("Redis, which holds the dead letters, is unreachable; try again shortly",
                        failure);
    }

    private static List<Entry> entries(Response rows) {
        List<Entry> entries = new ArrayList<>();
        if (rows == null) {
            return entries;
        }
        for (Response row : rows) {
            String id = row.get(0).toString();
            Map<String, String> fields = new HashMap<>();
            Response values = row.get(1);
            for (int i = 0; i + 1 < values.size(); i += 2) {
                fields.put(values.get(i).toString(), values.get(i + 1).toString());
            }
            entries.add(new Entry(id, fields));
        }
        return entries;
    }

    private Uni<List<DeadLetter>> withStatuses(List<Entry> entries) {
        List<UUID> runs = entries.stream().map(entry -> uuid(entry.fields().get(JobMessage.RUN_ID)))
                .filter(id -> id != null).toList();
        Uni<Map<UUID, String>> statuses = runs.isEmpty() ? Uni.createFrom().item(Map.of())
                : pool.preparedQuery(STATUSES).execute(Tuple.of(runs.toArray(UUID[]::new))).map(rows -> {
                    Map<UUID, String> byRun = new HashMap<>();
                    for (Row row : rows) {
                        byRun.put(row.getUUID("id"), row.getString("status"));
                    }
                    return byRun;
                });
        return statuses.map(byRun -> entries.stream().map(entry -> {
            UUID run = uuid(entry.fields().get(JobMessage.RUN_ID));
            return new DeadLetter(entry.id(), run, uuid(entry.fields().get(JobMessage.APPLICATION_ID)),
                    uuid(entry.fields().get(JobMessage.DIGEST_ID)), entry.fields().get("reason"),
                    entry.fields().get("originalId"), Instant.ofEpochMilli(Long.parseLong(entry.id().split("-")[0])),
                    run == null ? null : byRun.get(run));
        }).toList());
    }

    private static UUID uuid(String value) {
        try {
            return value == null ? null : UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private record Entry(String id, Map<String, String> fields) {
    }
}
