package dev.digest.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A Redis server of a test's own on a free loopback port, with no persistence (as the shared
 * one here runs), so the test can kill, restart (empty) and freeze it.
 */
final class PrivateRedis implements AutoCloseable {

    private final int port;
    private final Path dir;
    private Process process;

    PrivateRedis() throws IOException, InterruptedException {
        port = ServiceProcess.freePort();
        dir = Files.createTempDirectory("digest-redis-");
        start();
    }

    int port() {
        return port;
    }

    void start() throws IOException, InterruptedException {
        process = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
                .start();
        Awaitility.await("redis-server started on port " + port).atMost(Duration.ofSeconds(20))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50)).ignoreException(IOException.class)
                .until(() -> {
                    try (Redis redis = new Redis("127.0.0.1", port, 0)) {
                        redis.call("PING");
                        return true;
                    }
                });
    }

    /** SIGKILL: everything it held is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGSTOP: it keeps its connections open and answers nothing. */
    void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT. */
    void thaw() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            thaw();
            kill();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
