package dev.digest.importer;

import java.io.PrintStream;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One import of an old SQLite database: each table in turn (parents first), rows converted,
 * written in batches (or, in a dry run, only converted and counted), then counted in the target.
 */
public final class SqliteImport {

    private final LegacySource source;
    private final TargetWriter writer;
    private final int batchSize;
    private final PrintStream progressOut;

    /** {@code writer} null: a dry run. */
    SqliteImport(LegacySource source, TargetWriter writer, int batchSize, PrintStream progressOut) {
        this.source = source;
        this.writer = writer;
        this.batchSize = batchSize;
        this.progressOut = progressOut;
    }

    public ImportReport run() throws SQLException {
        ImportReport report = new ImportReport();
        ImportState state = new ImportState();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        for (LegacyTables.Table table : new LegacyTables(state, now).inOrder()) {
            ImportReport.Counts counts = report.table(table.legacyName());
            String found = source.table(table.legacyName()).orElse(null);
            if (found == null) {
                report.note(table.legacyName(), "-", "no such table in the SQLite file (neither digest_"
                        + table.legacyName() + " nor " + table.legacyName() + "); nothing to import");
                counts.verified = 0;
                continue;
            }
            importTable(table, found, counts, report, state);
        }
        return report;
    }

    private void importTable(LegacyTables.Table table, String sourceName, ImportReport.Counts counts, ImportReport report,
            ImportState state) throws SQLException {
        Progress progress = new Progress(progressOut, table.legacyName(), source.count(sourceName));
        List<TargetRow> batch = new ArrayList<>(batchSize);
        List<Map<String, Object>> oldRows = new ArrayList<>(batchSize);
        List<UUID> carried = new ArrayList<>();
        SQLException[] failure = new SQLException[1];
        source.forEachRow(sourceName, row -> {
            if (failure[0] != null) {
                return;
            }
            counts.read++;
            try {
                batch.add(table.converter().convert(row, report));
                oldRows.add(row);
            } catch (RowRejected e) {
                report.reject(table.legacyName(), row.get("id"), e.getMessage());
            } catch (RuntimeException e) {
                // A value the conversions did not foresee still costs only its own row.
                report.reject(table.legacyName(), row.get("id"), "cannot be converted: " + e);
            }
            if (batch.size() >= batchSize) {
                try {
                    flush(table, batch, oldRows, counts, report, carried);
                } catch (SQLException e) {
                    failure[0] = e;
                }
            }
            progress.advance(1);
        });
        if (failure[0] != null) {
            throw failure[0];
        }
        flush(table, batch, oldRows, counts, report, carried);
        counts.rowsPerSecond = progress.finish();
        if (writer != null) {
            counts.verified = writer.count(table.target(), carried);
        }
    }

    private void flush(LegacyTables.Table table, List<TargetRow> batch, List<Map<String, Object>> oldRows,
            ImportReport.Counts counts, ImportReport report, List<UUID> carried) throws SQLException {
        List<TargetWriter.Outcome> outcomes = writer == null ? null : writer.write(batch, table.insertSql());
        for (int i = 0; i < batch.size(); i++) {
            TargetRow row = batch.get(i);
            TargetWriter.Result result = outcomes == null ? TargetWriter.Result.WRITTEN : outcomes.get(i).result();
            switch (result) {
                case WRITTEN -> counts.written++;
                case PRESENT -> counts.alreadyPresent++;
                case REFUSED -> report.reject(table.legacyName(), row.oldId(), outcomes.get(i).reason());
            }
            if (result != TargetWriter.Result.REFUSED) {
                carried.add(row.id());
                table.imported().accept(row, oldRows.get(i));
            }
        }
        batch.clear();
        oldRows.clear();
    }
}
