package dev.digest.importer;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The old SQLite database, opened read-only. Tables are found under either naming style
 * ({@code digest_runs} or, in older databases, {@code runs}); a row is handed over as a map of
 * its columns, so a column an older database lacks simply reads as null.
 */
public final class LegacySource implements AutoCloseable {

    private final Connection connection;
    private final Map<String, String> tables = new HashMap<>();

    private LegacySource(Connection connection) throws SQLException {
        this.connection = connection;
        DatabaseMetaData meta = connection.getMetaData();
        try (ResultSet rows = meta.getTables(null, null, "%", new String[] {"TABLE"})) {
            while (rows.next()) {
                String name = rows.getString("TABLE_NAME");
                tables.put(name.toLowerCase(Locale.ROOT), name);
            }
        }
    }

    public static LegacySource open(Path file) throws SQLException {
        if (!Files.isRegularFile(file)) {
            throw new SQLException("no SQLite database at " + file);
        }
        org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
        config.setReadOnly(true);
        return new LegacySource(DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), config.toProperties()));
    }

    /** The table's name in this database (prefixed or not), or empty when it has neither. */
    public Optional<String> table(String logicalName) {
        String prefixed = tables.get("digest_" + logicalName);
        return Optional.ofNullable(prefixed != null ? prefixed : tables.get(logicalName));
    }

    public long count(String table) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM \"" + table + "\"")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** Every row in rowid order, so parents written before children stay in the order they were made. */
    public void forEachRow(String table, Consumer<Map<String, Object>> action) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT * FROM \"" + table + "\" ORDER BY rowid")) {
            ResultSetMetaData meta = rows.getMetaData();
            while (rows.next()) {
                Map<String, Object> row = new HashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.put(meta.getColumnName(i).toLowerCase(Locale.ROOT), rows.getObject(i));
                }
                action.accept(row);
            }
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
