package dev.digest.common.run;

/**
 * What a finishing move did: whether the claim still held (so the outcome counted), and
 * whether it woke a run of the same digest that was waiting for its turn.
 */
public record Finished(boolean done, boolean wokeNext) {

    static final Finished LOST = new Finished(false, false);
}
