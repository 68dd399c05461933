package dev.digest.common.content;

import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Gathers a digest's email for a window: the digest as stored, the window's events by type (or
 * given sample events), who must not get it, the unsubscribe signer; then prepares it. Both the
 * api's preview and the worker's runs go through here.
 */
@Singleton
public class DigestEmails {

    private final ContentStore content;
    private final DigestComposer composer;
    private final UnsubscribeLinks links;
    private final ContentConfig config;

    public DigestEmails(ContentStore content, DigestComposer composer, UnsubscribeLinks links, ContentConfig config) {
        this.content = content;
        this.composer = composer;
        this.links = links;
        this.config = config;
    }

    /** The digest as stored, or null when the application has no such digest. */
    public Uni<DigestSnapshot> digest(UUID applicationId, UUID digestId) {
        return content.digest(applicationId, digestId);
    }

    /**
     * The window a run starting at {@code end} would get: from the end of the digest's last
     * successful non-test run (or the first-window look-back), as the run ledger fixes it.
     */
    public Uni<Window> nextWindow(UUID digestId, Instant end) {
        return content.previousWindowEnd(digestId, null)
                .map(previous -> Window.closingAt(end, previous, config.firstWindowLookback()));
    }

    /** The digest's email over the window's events. */
    public Uni<DigestEmail> over(DigestSnapshot digest, Window window) {
        return content.groups(digest.applicationId(), digest.eventTypes(), window, composer.rowsPerType())
                .chain(groups -> over(digest, window, groups));
    }

    /** The digest's email over these event groups (a test send's or a preview's sample events). */
    public Uni<DigestEmail> over(DigestSnapshot digest, Window window, List<EventGroup> groups) {
        return Uni.combine().all()
                .unis(composer.prepareAsync(digest, window, groups), content.unsubscribed(digest.id()), links.tokens())
                .with((prepared, unsubscribed, signer) -> new DigestEmail(digest, window, prepared, unsubscribed,
                        signer, composer, links));
    }

    /** Samples grouped as a window's events would be, with the application's types (unknown types left out). */
    public Uni<List<EventGroup>> sampleGroups(UUID applicationId, List<SampleEvents.Sample> samples, Instant at) {
        List<String> types = samples.stream().map(SampleEvents.Sample::type).distinct().toList();
        return content.eventTypes(applicationId, types).map(known -> SampleEvents.groups(
                samples.stream().filter(sample -> known.containsKey(sample.type())).toList(), known, at,
                composer.rowsPerType()));
    }
}
