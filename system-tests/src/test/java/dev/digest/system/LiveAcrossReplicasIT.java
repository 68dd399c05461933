package dev.digest.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The live run stream across replicas, as the console uses it: a client of api replica A hears
 * every state change of a run requested on replica B and carried out by a worker, in order,
 * within a second of each; another tenant's client on A hears none of it; and a client that
 * reconnects with the last id it saw catches up on what it missed, from the database.
 */
class LiveAcrossReplicasIT {

    private static final int REDIS_DB = 15;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aClientOfOneReplicaHearsARunRequestedOnAnotherGoToSucceeded() throws Exception {
        try (ScriptedSmtp smtp = new ScriptedSmtp();
                Stack stack = Stack.local("live", REDIS_DB, smtp.port())) {
            stack.startApi();
            ServiceProcess replicaB = stack.startApiReplica("api-b");
            stack.startWorker("live-worker");
            Api onA = stack.newTenant();
            Api onB = new Api(replicaB::uri, onA.key());
            Api otherOnA = stack.newTenant();
            String digest = Stack.newDigest(onA, "Live", List.of("ops@example.com", "ceo@example.com"));

            try (Listener tenant = new Listener(stack.api(), onA.key(), null);
                    Listener other = new Listener(stack.api(), otherOnA.key(), null)) {
                tenant.awaitEvent("ready", Duration.ofSeconds(10));
                other.awaitEvent("ready", Duration.ofSeconds(10));

                String runId = onB.post("/api/v1/digests/" + digest + "/runs", Map.of(), 202).get("id").asText();

                List<String> statuses = new ArrayList<>();
                String lastId = null;
                while (!statuses.contains("succeeded")) {
                    Event event = tenant.awaitEvent("run", Duration.ofSeconds(30));
                    JsonNode change = JSON.readTree(event.data());
                    if (change.get("runId").asText().equals(runId)) {
                        statuses.add(change.get("status").asText());
                        assertEquals(digest, change.get("digestId").asText());
                        assertTrue(event.arrivedMillis() - java.time.Instant.parse(change.get("at").asText()).toEpochMilli() < 1000,
                                "heard within a second of the change");
                        lastId = event.id();
                    }
                }
                assertEquals(List.of("queued", "running", "succeeded"), statuses);
                assertEquals("succeeded", onA.get("/api/v1/runs/" + runId, 200).get("status").asText());
                assertTrue(other.events().stream().noneMatch(event -> event.data().contains(runId)),
                        "another tenant hears nothing of the run");

                // A client that was away since the run was queued catches up from its last id.
                String queuedId = Long.toString(Long.parseLong(lastId) - 60_000);
                try (Listener back = new Listener(replicaB, onA.key(), queuedId)) {
                    Event caughtUp = back.awaitEvent("run", Duration.ofSeconds(10));
                    JsonNode change = JSON.readTree(caughtUp.data());
                    assertEquals(runId, change.get("runId").asText());
                    assertEquals("succeeded", change.get("status").asText(), "its status now");
                }
            }
        }
    }

    /** One Server-Sent Event as received. */
    record Event(String name, String id, String data, long arrivedMillis) {
    }

    /** An open live stream, read on its own thread. */
    static final class Listener implements AutoCloseable {

        private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        private final List<Event> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final InputStream body;
        private final Thread reader;

        Listener(ServiceProcess api, String key, String lastEventId) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(api.uri("/api/v1/runs/live"))
                    .header("Authorization", "Bearer " + key).header("Accept", "text/event-stream");
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            HttpResponse<InputStream> response = HttpClient.newHttpClient()
                    .send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode(), "the live stream opens");
            body = response.body();
            reader = new Thread(this::read, "sse-reader");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                String name = "message";
                String id = null;
                StringBuilder data = new StringBuilder();
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.isEmpty()) {
                        if (data.length() > 0) {
                            Event event = new Event(name, id, data.toString(), System.currentTimeMillis());
                            seen.add(event);
                            events.add(event);
                        }
                        name = "message";
                        id = null;
                        data.setLength(0);
                    } else if (line.startsWith("event:")) {
                        name = line.substring(6).trim();
                    } else if (line.startsWith("id:")) {
                        id = line.substring(3).trim();
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5).trim());
                    }
                }
            } catch (java.io.IOException closed) {
                // The test closed the stream.
            }
        }

        Event awaitEvent(String name, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                Event event = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (event == null) {
                    throw new AssertionError("no '" + name + "' event within " + timeout + "; heard " + seen);
                }
                if (event.name().equals(name)) {
                    return event;
                }
            }
        }

        List<Event> events() {
            return List.copyOf(seen);
        }

        @Override
        public void close() throws Exception {
            body.close();
            reader.join(TimeUnit.SECONDS.toMillis(5));
        }
    }
}
