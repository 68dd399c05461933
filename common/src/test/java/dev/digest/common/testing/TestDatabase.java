package dev.digest.common.testing;

import dev.digest.common.config.ConnectionUrls;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Points a service's tests at their own PostgreSQL database, creating it when missing, so
 * that the test command works on a machine where only the server is running.
 *
 * <p>The database defaults to {@code digest_test_<checkout id>} (see {@link TestCheckout}) on
 * {@code postgresql://postgres@localhost:5432}, so another checkout's tests use another; set
 * {@code DIGEST_TEST_DATABASE_URL} to use another server or name. Flyway migrates the database
 * when the application under test starts. It also sets {@code digest-test.checkout-id}, which
 * the services' {@code %test} stream and channel names include.
 */
public class TestDatabase implements QuarkusTestResourceLifecycleManager {

    private static final String DEFAULT_URL = "postgresql://postgres@localhost:5432/digest_test_" + TestCheckout.id();

    @Override
    public Map<String, String> start() {
        String url = System.getenv().getOrDefault("DIGEST_TEST_DATABASE_URL", DEFAULT_URL);
        Map<String, String> properties = new HashMap<>(ConnectionUrls.fromDatabaseUrl(url));
        createIfMissing(properties);
        // The services' test profiles put it into their stream and channel names.
        properties.put("digest-test.checkout-id", TestCheckout.id());
        return properties;
    }

    @Override
    public void stop() {
        // The database is kept: every test makes its own tenant, so runs do not interfere.
    }

    private static void createIfMissing(Map<String, String> properties) {
        String jdbcUrl = properties.get("quarkus.datasource.jdbc.url");
        int slash = jdbcUrl.indexOf('/', "jdbc:postgresql://".length());
        int query = jdbcUrl.indexOf('?', slash);
        String database = jdbcUrl.substring(slash + 1, query < 0 ? jdbcUrl.length() : query);
        String serverUrl = jdbcUrl.substring(0, slash) + "/postgres";
        Properties credentials = new Properties();
        credentials.setProperty("user", properties.getOrDefault("quarkus.datasource.username", "postgres"));
        if (properties.containsKey("quarkus.datasource.password")) {
            credentials.setProperty("password", properties.get("quarkus.datasource.password"));
        }
        try (Connection connection = DriverManager.getConnection(serverUrl, credentials);
                PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, database);
            try (ResultSet rows = exists.executeQuery()) {
                if (rows.next()) {
                    return;
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE \"" + database.replace("\"", "\"\"") + "\"");
            }
        } catch (SQLException e) {
            // 42P04: another test JVM created it first.
            if (!"42P04".equals(e.getSQLState())) {
                throw new IllegalStateException("Cannot prepare the test database on " + serverUrl
                        + "; is PostgreSQL running?", e);
            }
        }
    }
}
