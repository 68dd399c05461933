package dev.digest.importer;

import java.io.PrintStream;

/** A one-line progress bar per table, with rows per second, redrawn at most a few times a second. */
final class Progress {

    private static final int WIDTH = 30;

    private final PrintStream out;
    // Redrawing with carriage returns only helps a person watching; a log gets the final line.
    private final boolean interactive = System.console() != null;
    private final String table;
    private final long total;
    private final long started = System.nanoTime();
    private long lastDrawn;
    private long done;

    Progress(PrintStream out, String table, long total) {
        this.out = out;
        this.table = table;
        this.total = total;
    }

    void advance(long rows) {
        done += rows;
        long now = System.nanoTime();
        if (interactive && now - lastDrawn > 200_000_000L) {
            lastDrawn = now;
            draw('\r');
        }
    }

    /** Draws the final line and answers the table's rate. */
    double finish() {
        draw(interactive ? '\r' : ' ');
        out.println();
        return rate();
    }

    private double rate() {
        double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
        return done / seconds;
    }

    private void draw(char start) {
        String lead = start == '\r' ? "\r" : "";
        int filled = total == 0 ? WIDTH : (int) (WIDTH * Math.min(done, total) / total);
        out.printf("%s%-16s [%s%s] %d/%d  %.0f rows/s", lead, table, "#".repeat(filled), "-".repeat(WIDTH - filled),
                done, total, rate());
        out.flush();
    }
}
