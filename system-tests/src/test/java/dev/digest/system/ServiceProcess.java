package dev.digest.system;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/** One packaged service running as its own JVM, with its output in a log file. */
final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final Process process;
    private final Path log;

    private ServiceProcess(String name, int port, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    static ServiceProcess start(String name, Path jar, Map<String, String> env, Path logDir) throws IOException {
        return start(name, jar, env, logDir, freePort());
    }

    /** Starts on a port chosen beforehand, for a service whose settings must name its own address. */
    static ServiceProcess start(String name, Path jar, Map<String, String> env, Path logDir, int port) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: package the services first (./mvnw package)");
        }
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        builder.environment().put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false");
        return new ServiceProcess(name, port, builder.start(), log);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Waits for the readiness endpoint to answer 200 (database, Redis and, for a worker, SMTP reachable). */
    ServiceProcess awaitReady(Duration timeout) {
        Awaitility.await(name + " ready; see " + log).atMost(timeout).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(200)).until(this::ready);
        return this;
    }

    private boolean ready() throws InterruptedException {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
        }
        try {
            return HTTP.send(HttpRequest.newBuilder(uri("/q/health/ready")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** SIGKILL: no shutdown hook runs, in-flight work is abandoned mid-step. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM, then waits for the process to exit; true when it did within the time given. */
    boolean terminate(Duration wait) throws InterruptedException {
        process.destroy();
        return process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits for the process to end by itself; its exit code, or null when it is still running. */
    Integer awaitExit(Duration wait) throws InterruptedException {
        return process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String logText() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive() && !terminate(Duration.ofSeconds(40))) {
            kill();
        }
    }
}
