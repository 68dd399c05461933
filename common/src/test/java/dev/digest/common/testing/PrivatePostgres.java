package dev.digest.common.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of a test's own (initdb and pg_ctl under a temporary directory, on a free
 * loopback port), so the test can stop and start it without disturbing anything else. Uses the
 * binaries of the machine's PostgreSQL installation; as root, runs them as {@code postgres}.
 */
public final class PrivatePostgres implements AutoCloseable {

    private final Path dir;
    private final Path data;
    private final int port;
    private final Path bin;

    private PrivatePostgres(Path dir, int port, Path bin) {
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
        this.bin = bin;
    }

    /** Creates the cluster, starts it and creates {@code database}. */
    public static PrivatePostgres start(String database) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("digest-pg-");
        PrivatePostgres server = new PrivatePostgres(dir, freePort(), binaries());
        server.chownToPostgres();
        server.run(List.of(server.bin.resolve("initdb").toString(), "-D", server.data.toString(), "-U", "postgres",
                "--auth=trust", "-E", "UTF8", "--no-sync"), 120);
        server.startServer();
        server.run(List.of(server.bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p",
                Integer.toString(server.port), "-U", "postgres", database), 60);
        return server;
    }

    public int port() {
        return port;
    }

    /** Datasource settings for a service under test, as {@link TestDatabase} gives them. */
    public Map<String, String> datasource(String database) {
        return Map.of(
                "quarkus.datasource.reactive.url", "postgresql://127.0.0.1:" + port + "/" + database,
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:" + port + "/" + database,
                "quarkus.datasource.username", "postgres");
    }

    /** {@code pg_ctl start}, waiting until it accepts connections. */
    public void startServer() throws IOException, InterruptedException {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("server.log").toString(),
                "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir + " -c fsync=off", "-w", "start"), 60);
    }

    /** {@code pg_ctl stop -m immediate}: connections drop at once, as when the host dies. */
    public void stopImmediately() throws IOException, InterruptedException {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"), 60);
    }

    /** Stops the server and removes its files; does nothing the second time. */
    @Override
    public synchronized void close() throws IOException, InterruptedException {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                stopImmediately();
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /** {@link #close()} for a shutdown hook. */
    public void closeQuietly() {
        try {
            close();
        } catch (IOException e) {
            System.err.println("Could not stop the private PostgreSQL under " + dir + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void chownToPostgres() throws IOException, InterruptedException {
        if (isRoot()) {
            new ProcessBuilder("chown", "postgres:postgres", dir.toString()).inheritIO().start().waitFor();
        }
    }

    private void run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (isRoot()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Process process = new ProcessBuilder(full).redirectErrorStream(true)
                .redirectOutput(dir.resolve("commands.log").toFile().exists()
                        ? ProcessBuilder.Redirect.appendTo(dir.resolve("commands.log").toFile())
                        : ProcessBuilder.Redirect.to(dir.resolve("commands.log").toFile()))
                .start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed; see " + dir.resolve("commands.log") + ": "
                    + Files.readString(dir.resolve("commands.log")));
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The newest PostgreSQL installed under /usr/lib/postgresql, or the directory of pg_ctl on the PATH. */
    private static Path binaries() throws IOException {
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                return versions.map(version -> version.resolve("bin")).filter(Files::isDirectory)
                        .max(Comparator.comparing(path -> Integer.parseInt(path.getParent().getFileName().toString())))
                        .orElseThrow(() -> new IOException("no PostgreSQL binaries under " + debian));
            }
        }
        for (String entry : System.getenv("PATH").split(":")) {
            if (Files.isExecutable(Path.of(entry, "pg_ctl"))) {
                return Path.of(entry);
            }
        }
        throw new IOException("PostgreSQL's initdb and pg_ctl are not installed");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
