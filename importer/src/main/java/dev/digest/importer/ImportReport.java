package dev.digest.importer;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the import did, table by table: rows read, written, found already imported, refused
 * (each with its old id and why), and how many of the carried-over rows the target holds when
 * counted afterwards. Notes are rows imported with a change a person should know about.
 */
public final class ImportReport {

    /** A row that was not carried over, or carried over with a change. */
    public record Entry(String table, Object oldId, String reason) {
    }

    /** One table's counts; {@code verified} is -1 until the target has been counted. */
    public static final class Counts {
        public long read;
        public long written;
        public long alreadyPresent;
        public long rejected;
        public long verified = -1;
        public double rowsPerSecond;

        /** Every row read was carried over or reported, and the target holds every row carried over. */
        public boolean consistent(boolean dryRun) {
            boolean accounted = read == written + alreadyPresent + rejected;
            return accounted && (dryRun || verified == written + alreadyPresent);
        }
    }

    private final Map<String, Counts> tables = new LinkedHashMap<>();
    private final List<Entry> rejected = new ArrayList<>();
    private final List<Entry> notes = new ArrayList<>();

    public Counts table(String table) {
        return tables.computeIfAbsent(table, name -> new Counts());
    }

    public void reject(String table, Object oldId, String reason) {
        table(table).rejected++;
        rejected.add(new Entry(table, oldId, reason));
    }

    public void note(String table, Object oldId, String message) {
        notes.add(new Entry(table, oldId, message));
    }

    public Map<String, Counts> tables() {
        return tables;
    }

    public List<Entry> rejected() {
        return rejected;
    }

    public List<Entry> notes() {
        return notes;
    }

    public boolean consistent(boolean dryRun) {
        return tables.values().stream().allMatch(counts -> counts.consistent(dryRun));
    }

    public void print(PrintStream out, boolean dryRun) {
        out.println();
        out.println(dryRun ? "Dry run: nothing was written. This import would write:" : "Import finished:");
        out.printf("%-16s %9s %9s %9s %9s %9s  %s%n", "table", "read", dryRun ? "to write" : "written",
                "present", "refused", "in target", "check");
        tables.forEach((table, counts) -> out.printf("%-16s %9d %9d %9d %9d %9s  %s%n", table, counts.read,
                counts.written, counts.alreadyPresent, counts.rejected,
                counts.verified < 0 ? "-" : String.valueOf(counts.verified), counts.consistent(dryRun) ? "ok" : "MISMATCH"));
        if (!notes.isEmpty()) {
            out.println();
            out.println("Imported with changes (" + notes.size() + "):");
            notes.forEach(note -> out.printf("  %s %s: %s%n", note.table(), note.oldId(), note.reason()));
        }
        if (!rejected.isEmpty()) {
            out.println();
            out.println("Not imported (" + rejected.size() + "):");
            rejected.forEach(entry -> out.printf("  %s %s: %s%n", entry.table(), entry.oldId(), entry.reason()));
        }
    }
}
