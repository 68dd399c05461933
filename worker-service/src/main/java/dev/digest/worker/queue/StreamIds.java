package dev.digest.worker.queue;

/** Redis stream ids ({@code <milliseconds>-<sequence>}) in their stream order. */
final class StreamIds {

    private StreamIds() {
    }

    static int compare(String a, String b) {
        int dashA = a.indexOf('-');
        int dashB = b.indexOf('-');
        int byTime = Long.compare(Long.parseLong(a.substring(0, dashA)), Long.parseLong(b.substring(0, dashB)));
        return byTime != 0 ? byTime
                : Long.compare(Long.parseLong(a.substring(dashA + 1)), Long.parseLong(b.substring(dashB + 1)));
    }

    /** The earlier of two ids; {@code b} may be null. */
    static String lower(String a, String b) {
        return b == null || compare(a, b) <= 0 ? a : b;
    }
}
