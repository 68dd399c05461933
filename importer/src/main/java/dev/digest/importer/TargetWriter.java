package dev.digest.importer;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.postgresql.util.PGobject;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Writes converted rows to PostgreSQL, one transaction per batch. A row already there (same
 * id: an earlier run of this import) is left as it is, so a re-run changes nothing. A row the
 * database refuses is reported with the database's reason and the rest of its batch still goes
 * in: the batch is redone with a savepoint around each row.
 */
final class TargetWriter {

    /** What happened to one row. */
    enum Result { WRITTEN, PRESENT, REFUSED }

    /** A row's result, and the reason when it was refused. */
    record Outcome(Result result, String reason) {
    }

    private final Connection connection;

    TargetWriter(Connection connection) throws SQLException {
        this.connection = connection;
        connection.setAutoCommit(false);
    }

    List<Outcome> write(List<TargetRow> batch, String insertSql) throws SQLException {
        if (batch.isEmpty()) {
            return List.of();
        }
        String sql = insertSql != null ? insertSql : insert(batch.get(0), true);
        try {
            List<Outcome> outcomes = writeAll(batch, sql, false);
            connection.commit();
            return outcomes;
        } catch (SQLException firstTry) {
            connection.rollback();
            List<Outcome> outcomes = writeAll(batch, sql, true);
            connection.commit();
            return outcomes;
        }
    }

    /** How many of these ids the table holds: the check after the import. */
    long count(String table, List<UUID> ids) throws SQLException {
        long found = 0;
        try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM " + table + " WHERE id = ANY (?)")) {
            for (int from = 0; from < ids.size(); from += 10_000) {
                statement.setArray(1, connection.createArrayOf("uuid", ids.subList(from, Math.min(ids.size(), from + 10_000)).toArray()));
                try (ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    found += rows.getLong(1);
                }
            }
        }
        connection.commit();
        return found;
    }

    private List<Outcome> writeAll(List<TargetRow> batch, String sql, boolean eachOnItsOwn) throws SQLException {
        List<Outcome> outcomes = new ArrayList<>(batch.size());
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            if (!eachOnItsOwn) {
                // One round trip for the batch; a row that inserted nothing is looked at on its own.
                for (TargetRow row : batch) {
                    bind(statement, row);
                    statement.addBatch();
                }
                int[] counts = statement.executeBatch();
                for (int i = 0; i < batch.size(); i++) {
                    outcomes.add(counts[i] == 1 ? new Outcome(Result.WRITTEN, null) : notWritten(batch.get(i)));
                }
                return outcomes;
            }
            for (TargetRow row : batch) {
                Savepoint savepoint = connection.setSavepoint();
                try {
                    bind(statement, row);
                    outcomes.add(statement.executeUpdate() == 1 ? new Outcome(Result.WRITTEN, null) : notWritten(row));
                    connection.releaseSavepoint(savepoint);
                } catch (SQLException e) {
                    connection.rollback(savepoint);
                    outcomes.add(new Outcome(Result.REFUSED, describe(e)));
                }
            }
        }
        return outcomes;
    }

    // Nothing inserted: either this import put the row there before, or another row holds one of its unique values.
    private Outcome notWritten(TargetRow row) throws SQLException {
        try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM " + row.table() + " WHERE id = ?")) {
            exists.setObject(1, row.id());
            try (ResultSet rows = exists.executeQuery()) {
                if (rows.next()) {
                    return new Outcome(Result.PRESENT, null);
                }
            }
        }
        if ("digest_runs".equals(row.table()) && !List.of("succeeded", "failed", "skipped", "dead").contains(row.columns().get("status"))) {
            return new Outcome(Result.REFUSED, "status is not a final one");
        }
        // The same insert without ON CONFLICT names the constraint that is in the way.
        Savepoint savepoint = connection.setSavepoint();
        try (PreparedStatement plain = connection.prepareStatement(insert(row, false))) {
            bind(plain, row);
            plain.executeUpdate();
            connection.rollback(savepoint);
            return new Outcome(Result.REFUSED, "conflicts with an existing row");
        } catch (SQLException e) {
            connection.rollback(savepoint);
            return new Outcome(Result.REFUSED, describe(e));
        }
    }

    private void bind(PreparedStatement statement, TargetRow row) throws SQLException {
        int index = 1;
        for (Object value : row.columns().values()) {
            if (value instanceof String[] strings) {
                Array array = connection.createArrayOf("text", strings);
                statement.setArray(index++, array);
            } else if (value instanceof TargetRow.Json json) {
                PGobject object = new PGobject();
                object.setType("jsonb");
                object.setValue(json.text());
                statement.setObject(index++, object);
            } else {
                statement.setObject(index++, value);
            }
        }
    }

    private static String insert(TargetRow row, boolean ignoreConflicts) {
        String columns = String.join(", ", row.columns().keySet());
        String values = row.columns().keySet().stream().map(column -> "?").collect(Collectors.joining(", "));
        return "INSERT INTO " + row.table() + " (" + columns + ") VALUES (" + values + ")"
                + (ignoreConflicts ? " ON CONFLICT DO NOTHING" : "");
    }

    private static String describe(SQLException e) {
        if (e instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
            ServerErrorMessage message = psql.getServerErrorMessage();
            StringBuilder reason = new StringBuilder("refused by PostgreSQL: ").append(message.getMessage());
            if (message.getDetail() != null) {
                reason.append(" (").append(message.getDetail()).append(")");
            }
            return reason.toString();
        }
        return "refused by PostgreSQL: " + e.getMessage();
    }
}
