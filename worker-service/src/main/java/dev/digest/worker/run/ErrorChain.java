package dev.digest.worker.run;

/**
 * A failure as an operator reads it on the run's page: each exception of the cause chain with
 * its message and the first frames where it was thrown, bounded so one deep stack cannot bloat
 * the attempt history.
 */
final class ErrorChain {

    static final int MAX_CHARS = 4000;
    private static final int FRAMES = 6;

    private ErrorChain() {
    }

    static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder();
        Throwable current = failure;
        for (int depth = 0; current != null && depth < 10; depth++) {
            if (depth > 0) {
                text.append("Caused by: ");
            }
            text.append(current).append('\n');
            StackTraceElement[] frames = current.getStackTrace();
            for (int i = 0; i < Math.min(FRAMES, frames.length); i++) {
                text.append("    at ").append(frames[i]).append('\n');
            }
            if (frames.length > FRAMES) {
                text.append("    ... ").append(frames.length - FRAMES).append(" more\n");
            }
            current = current.getCause() == current ? null : current.getCause();
        }
        return text.length() <= MAX_CHARS ? text.toString() : text.substring(0, MAX_CHARS - 1) + "…";
    }
}
