package dev.digest.common.job;

/** Default names of the job stream, its consumer group and its dead-letter stream. */
public final class JobStreams {

    public static final String STREAM = "digest:jobs";
    public static final String GROUP = "digest-workers";
    public static final String DEAD_LETTER_STREAM = "digest:jobs:dead";

    private JobStreams() {
    }
}
