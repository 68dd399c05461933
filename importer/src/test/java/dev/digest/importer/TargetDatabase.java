package dev.digest.importer;

import dev.digest.common.testing.TestCheckout;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;

/**
 * The importer tests' own PostgreSQL database, created and migrated with the services'
 * migrations once per test run. The server is the local one unless DIGEST_TEST_PG_SERVER says
 * otherwise (postgresql://user@host:port).
 */
final class TargetDatabase {

    static final String NAME = "digest_import_test_" + TestCheckout.id();
    private static final String SERVER = System.getenv().getOrDefault("DIGEST_TEST_PG_SERVER", "postgresql://postgres@localhost:5432");
    static final String URL = SERVER + "/" + NAME;
    private static boolean ready;

    private TargetDatabase() {
    }

    static synchronized String url() throws SQLException {
        if (!ready) {
            try (Connection server = DriverManager.getConnection(jdbc(SERVER + "/postgres"), "postgres", "");
                    Statement statement = server.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + NAME + " WITH (FORCE)");
                statement.execute("CREATE DATABASE " + NAME);
            }
            Flyway.configure().dataSource(jdbc(URL), "postgres", "").locations("classpath:db/migration").load().migrate();
            ready = true;
        }
        return URL;
    }

    static Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbc(url()), "postgres", "");
    }

    static long count(String sql, Object... args) throws SQLException {
        try (Connection connection = connect(); var statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                statement.setObject(i + 1, args[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static String jdbc(String url) {
        return "jdbc:" + url.replaceFirst("^postgresql://[^@/]*@", "postgresql://");
    }
}
