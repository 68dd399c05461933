package dev.digest.common.run;

import dev.digest.common.content.SampleEvents;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A run a worker has claimed, as the claim returned it. {@code claim} is the claim's number:
 * every later move of the worker names it, so nothing it does counts once another worker has
 * taken the run over. {@code firstClaimedAt} is when this round of attempts began;
 * {@code testEvents} are a test send's sample events (null: render its window).
 */
public record ClaimedRun(UUID id, UUID applicationId, UUID digestId, RunTrigger trigger, String testRecipient,
        List<SampleEvents.Sample> testEvents, int attempts, int claim, Instant firstClaimedAt, Instant scheduledFor, Instant windowStart, Instant windowEnd) {

    /** Test runs send to one address and hold no window open for other runs. */
    public boolean holdsWindow() {
        return trigger != RunTrigger.TEST;
    }
}
