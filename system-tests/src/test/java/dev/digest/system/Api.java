package dev.digest.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Function;
import org.awaitility.Awaitility;

/** JSON over HTTP to the api-service process, as a client application would call it. */
final class Api {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Function<String, URI> uris;
    private final String key;

    Api(Function<String, URI> uris, String key) {
        this.uris = uris;
        this.key = key;
    }

    String key() {
        return key;
    }

    Api as(String otherKey) {
        return new Api(uris, otherKey);
    }

    /** GETs and returns the parsed answer; any status but the expected one fails. */
    JsonNode get(String path, int expectedStatus) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uris.apply(path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key)
                .GET()
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expectedStatus) {
            throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** Polls {@code GET /runs/{id}} until the run is no longer queued or running; its last state. */
    JsonNode awaitFinished(String runId, Duration timeout) {
        return Awaitility.await("run " + runId + " finished").atMost(timeout).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> get("/api/v1/runs/" + runId, 200), run -> {
                    String status = run.get("status").asText();
                    return !status.equals("queued") && !status.equals("running");
                });
    }

    /** A request without an API key, as a mail client or a browser sends one; the raw response. */
    HttpResponse<String> anonymous(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** POSTs a JSON body and returns the response whatever its status. */
    HttpResponse<String> send(String path, Object body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uris.apply(path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The id in a JSON answer. */
    static String id(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body()).get("id").asText();
    }

    /** POSTs a JSON body and returns the parsed answer; any status but the expected one fails. */
    JsonNode post(String path, Object body, int expectedStatus) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uris.apply(path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expectedStatus) {
            throw new IllegalStateException("POST " + path + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return JSON.readTree(response.body());
    }
}
