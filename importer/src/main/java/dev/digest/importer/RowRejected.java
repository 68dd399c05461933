package dev.digest.importer;

/** A row that cannot be carried over, with the reason an operator reads in the report. */
public class RowRejected extends RuntimeException {

    public RowRejected(String reason) {
        super(reason, null, false, false);
    }
}
