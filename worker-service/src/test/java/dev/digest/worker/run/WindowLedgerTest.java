package dev.digest.worker.run;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The window settles once the transactions that could still add events have ended: this
 * database's, never another database's on the same server. The first test opens a transaction
 * with the newest id on the server, which a snapshot's in-progress list does not hold.
 */
@QuarkusTest
class WindowLedgerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    WindowLedger ledger;

    @Inject
    Pool pool;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    /** A transaction holding an id, open until the connection closes. */
    private static Connection openTransaction(String url) throws Exception {
        Connection connection = DriverManager.getConnection(url, "postgres", "");
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_current_xact_id()");
        }
        return connection;
    }

    @Test
    void aTransactionOfThisDatabaseHoldsTheWindowUntilItEnds() throws Exception {
        Connection open = openTransaction(jdbcUrl);
        CompletableFuture<Void> settled;
        try {
            settled = ledger.settled(WAIT).subscribeAsCompletionStage();
            // Still waiting after several polls: the open transaction could add an event.
            Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(300)).await().atMost(WAIT);
            CompletableFuture<Void> watched = settled;
            assertFalse(watched.isDone(), () -> "the window waits for this database's transaction; it ended with "
                    + watched.handle((ok, failure) -> String.valueOf(failure)).getNow("?"));
        } finally {
            open.commit();
            open.close();
        }
        settled.get(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        assertTrue(settled.isDone());
    }

    @Test
    void aTransactionOfAnotherDatabaseDoesNotHoldTheWindow() throws Exception {
        String other = "digest_window_other_" + UUID.randomUUID().toString().substring(0, 8);
        String serverUrl = jdbcUrl.substring(0, jdbcUrl.lastIndexOf('/') + 1);
        try (Connection admin = DriverManager.getConnection(serverUrl + "postgres", "postgres", "");
                Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + other);
        }
        try {
            try (Connection open = openTransaction(serverUrl + other)) {
                ledger.settled(Duration.ofSeconds(5)).await().atMost(WAIT);
                open.rollback();
            }
        } finally {
            try (Connection admin = DriverManager.getConnection(serverUrl + "postgres", "postgres", "");
                    Statement statement = admin.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + other + " WITH (FORCE)");
            }
        }
    }
}
