package dev.digest.api.run;

/** How many runs a bulk retry put back in the queue, and how many of them are on the stream already. */
public record RetriedRuns(int count, int published) {
}
