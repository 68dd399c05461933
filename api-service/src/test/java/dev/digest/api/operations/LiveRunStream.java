package dev.digest.api.operations;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * {@code GET /api/v1/runs/live} read as the console reads it: a streaming request with the key
 * in the {@code Authorization} header, its Server-Sent Events collected as they arrive.
 */
final class LiveRunStream implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(10);
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    /** One event: {@code name} is its {@code event:} field ({@code message} when absent). */
    record Event(String id, String name, String data) {

        JsonObject json() {
            return new JsonObject(data);
        }

        boolean isRun(String runId, String status) {
            return "run".equals(name) && runId.equals(json().getString("runId")) && status.equals(json().getString("status"));
        }

        boolean concerns(String runId) {
            return "run".equals(name) && runId.equals(json().getString("runId"));
        }
    }

    private final List<Event> events = new ArrayList<>();
    private final Parser parser = new Parser();

    private LiveRunStream() {
    }

    /** Opens the stream; {@code lastEventId} may be null. Nothing is waited for. */
    static LiveRunStream open(URI uri, String key, String lastEventId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + key)
                .header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        LiveRunStream stream = new LiveRunStream();
        CLIENT.sendAsync(request.build(), HttpResponse.BodyHandlers.fromLineSubscriber(stream.parser));
        return stream;
    }

    /** Opens the stream and waits for the {@code ready} event it starts with when there is nothing to catch up. */
    static LiveRunStream ready(URI uri, String key) {
        LiveRunStream stream = open(uri, key, null);
        stream.await(event -> "ready".equals(event.name()));
        return stream;
    }

    /** The first event so far that matches, waiting for it up to {@link #WAIT}. */
    Event await(Predicate<Event> wanted) {
        return Awaitility.await().atMost(WAIT).until(() -> first(wanted), Optional::isPresent).orElseThrow();
    }

    synchronized Optional<Event> first(Predicate<Event> wanted) {
        return events.stream().filter(wanted).findFirst();
    }

    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    private synchronized void add(Event event) {
        events.add(event);
    }

    @Override
    public void close() {
        parser.cancel();
    }

    /** Turns the body's lines into events: fields until a blank line; comment lines are skipped. */
    private final class Parser implements Flow.Subscriber<String> {

        private volatile Flow.Subscription subscription;
        private volatile boolean cancelled;
        private String id;
        private String name;
        private StringBuilder data;

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            if (cancelled) {
                subscription.cancel();
            } else {
                subscription.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(String line) {
            if (line.isEmpty()) {
                if (data != null || name != null) {
                    add(new Event(id, name == null ? "message" : name, data == null ? "" : data.toString()));
                }
                id = null;
                name = null;
                data = null;
                return;
            }
            if (line.startsWith(":")) {
                return;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "id" -> id = value;
                case "event" -> name = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> {
                }
            }
        }

        @Override
        public void onError(Throwable failure) {
        }

        @Override
        public void onComplete() {
        }

        void cancel() {
            cancelled = true;
            Flow.Subscription current = subscription;
            if (current != null) {
                current.cancel();
            }
        }
    }
}
