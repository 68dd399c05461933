package dev.digest.importer;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.digest.common.config.ConnectionUrls;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code deploy/db/import-sqlite.sh SQLITE_FILE [--dry-run]}: copies the old stack's SQLite
 * database into the current schema, target from {@code DATABASE_URL}.
 *
 * <p>Exit codes: 0 every row was imported or reported (and the target holds every imported row);
 * 1 the counts after the import do not add up; 2 wrong usage; 3 the source or the target could
 * not be used (no file, no connection, schema not migrated).
 */
@Command(name = "import-sqlite", mixinStandardHelpOptions = true,
        description = "Import the old stack's SQLite database into Digest's PostgreSQL schema (target: DATABASE_URL).")
public final class ImportCommand implements Callable<Integer> {

    static final int OK = 0;
    static final int MISMATCH = 1;
    static final int UNUSABLE = 3;

    @Parameters(index = "0", paramLabel = "SQLITE_FILE", description = "The old database file.")
    Path sqliteFile;

    @Option(names = "--dry-run", description = "Read, convert and validate everything; write nothing; print what would be written.")
    boolean dryRun;

    @Option(names = "--batch-size", defaultValue = "500", description = "Rows per transaction (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--report", paramLabel = "FILE", description = "Also write every refused and changed row as JSON lines to FILE.")
    Path reportFile;

    @Option(names = "--database-url", paramLabel = "URL", description = "Target, postgresql://user:pass@host:port/db (default: DATABASE_URL).")
    String databaseUrl;

    private final PrintStream out;
    private final PrintStream err;

    public ImportCommand() {
        this(System.out, System.err);
    }

    ImportCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err));
    }

    static int execute(String[] args, PrintStream out, PrintStream err) {
        CommandLine command = new CommandLine(new ImportCommand(out, err));
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        return command.execute(args);
    }

    @Override
    public Integer call() {
        if (batchSize < 1) {
            err.println("--batch-size must be at least 1");
            return CommandLine.ExitCode.USAGE;
        }
        String url = databaseUrl != null ? databaseUrl : System.getenv("DATABASE_URL");
        if (!dryRun && (url == null || url.isBlank())) {
            err.println("DATABASE_URL is not set (postgresql://user:pass@host:port/db)");
            return CommandLine.ExitCode.USAGE;
        }
        try (LegacySource source = LegacySource.open(sqliteFile);
                Connection target = dryRun ? null : connect(url)) {
            if (target != null) {
                requireSchema(target);
            }
            ImportReport report = new SqliteImport(source, target == null ? null : new TargetWriter(target), batchSize, err).run();
            report.print(out, dryRun);
            if (reportFile != null) {
                writeReport(report);
            }
            boolean consistent = report.consistent(dryRun);
            if (!consistent) {
                err.println("The counts do not add up: see the MISMATCH lines above.");
            }
            return consistent ? OK : MISMATCH;
        } catch (SQLException | IOException | IllegalArgumentException | IllegalStateException e) {
            err.println("Import failed: " + e.getMessage());
            return UNUSABLE;
        }
    }

    private static Connection connect(String databaseUrl) throws SQLException {
        Map<String, String> properties = ConnectionUrls.fromDatabaseUrl(databaseUrl);
        Properties credentials = new Properties();
        if (properties.containsKey("quarkus.datasource.username")) {
            credentials.setProperty("user", properties.get("quarkus.datasource.username"));
        }
        if (properties.containsKey("quarkus.datasource.password")) {
            credentials.setProperty("password", properties.get("quarkus.datasource.password"));
        }
        return DriverManager.getConnection(properties.get("quarkus.datasource.jdbc.url"), credentials);
    }

    // The services migrate the schema when they start (as its owner); the importer only writes data.
    private static void requireSchema(Connection target) throws SQLException {
        try (Statement statement = target.createStatement();
                ResultSet rows = statement.executeQuery("SELECT to_regclass('digest_email_logs') IS NOT NULL")) {
            rows.next();
            if (!rows.getBoolean(1)) {
                throw new IllegalStateException("the target has no Digest schema; start the api once (it migrates) and import again");
            }
        }
    }

    private void writeReport(ImportReport report) throws IOException {
        ObjectMapper json = new ObjectMapper();
        StringBuilder lines = new StringBuilder();
        for (ImportReport.Entry entry : report.rejected()) {
            lines.append(json.writeValueAsString(line("refused", entry))).append('\n');
        }
        for (ImportReport.Entry entry : report.notes()) {
            lines.append(json.writeValueAsString(line("changed", entry))).append('\n');
        }
        Files.writeString(reportFile, lines);
    }

    private static Map<String, Object> line(String kind, ImportReport.Entry entry) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("kind", kind);
        line.put("table", entry.table());
        line.put("oldId", String.valueOf(entry.oldId()));
        line.put("reason", entry.reason());
        return line;
    }
}
