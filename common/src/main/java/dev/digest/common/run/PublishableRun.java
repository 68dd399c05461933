package dev.digest.common.run;

import dev.digest.common.job.JobMessage;
import java.util.UUID;

/**
 * A queued run that is to be put on the job stream, with the claim count read with it: its
 * stream id is recorded only if no worker has claimed it since.
 */
public record PublishableRun(UUID id, UUID applicationId, UUID digestId, int attempts, int claims) {

    /** The job that points at this run, for the attempt it is about to make. */
    public JobMessage job() {
        return new JobMessage(id, applicationId, digestId, attempts + 1, null);
    }
}
