package dev.digest.api.preview;

import dev.digest.api.domain.NotFoundException;
import dev.digest.api.emailtemplate.EmailTemplateService;
import dev.digest.api.web.ProblemException;
import dev.digest.common.Uuid7;
import dev.digest.common.content.ContentConfig;
import dev.digest.common.content.Addresses;
import dev.digest.common.content.DigestEmail;
import dev.digest.common.content.DigestEmails;
import dev.digest.common.content.DigestComposer;
import dev.digest.common.content.DigestSnapshot;
import dev.digest.common.content.EventGroup;
import dev.digest.common.content.RenderedEmail;
import dev.digest.common.content.SampleEvents;
import dev.digest.common.content.TemplateMessages;
import dev.digest.common.content.Window;
import dev.digest.common.digest.EmptyWindowPolicy;
import io.quarkus.qute.TemplateException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * Renders what a digest would send, through the same {@link DigestEmails} the worker sends
 * from, and stores nothing: a preview neither creates a run nor moves a window.
 */
@ApplicationScoped
public class PreviewService {

    private final DigestEmails emails;
    private final DigestComposer composer;
    private final ContentConfig contentConfig;
    private final EmailTemplateService emailTemplates;
    private final Clock clock;
    private final SampleEventCheck samples;

    public PreviewService(DigestEmails emails, DigestComposer composer, ContentConfig contentConfig,
            EmailTemplateService emailTemplates, Clock clock, SampleEventCheck samples) {
        this.emails = emails;
        this.composer = composer;
        this.contentConfig = contentConfig;
        this.emailTemplates = emailTemplates;
        this.clock = clock;
        this.samples = samples;
    }

    /** The email a run started now would send to {@code recipient} (default: the digest's first). */
    public Uni<DigestPreview> digest(UUID applicationId, UUID digestId, String recipient) {
        Instant now = clock.instant();
        return emails.digest(applicationId, digestId).chain(digest -> {
            if (digest == null) {
                return Uni.createFrom().failure(NotFoundException.of("Digest"));
            }
            String to = recipientOf(digest, recipient);
            return emails.nextWindow(digestId, now)
                    .chain(window -> emails.over(digest, window))
                    .onFailure(TemplateException.class).transform(PreviewService::templateError)
                    .chain(email -> render(email, to).map(rendered -> new DigestPreview(digestId, to,
                            email.window().start(), email.window().end(), email.prepared().eventCount(),
                            email.prepared().badEvents().size(), email.prepared().badEvents(), email.wouldSkip(),
                            email.unsubscribed(to), rendered.subject(), rendered.html(), rendered.text(),
                            digest.timeZone().getId(), rendered.sender())));
        });
    }

    /** The stored email template over sample data; event types must be the application's. */
    public Uni<TemplatePreview> template(UUID applicationId, UUID templateId, TemplatePreviewRequest request) {
        return emailTemplates.get(applicationId, templateId).chain(template -> samples.check(applicationId,
                request.events()).chain(checked -> {
                    Instant now = clock.instant();
                    Window window = new Window(now.minus(contentConfig.firstWindowLookback()), now);
                    String recipient = request.recipient() == null ? "recipient@example.com" : request.recipient();
                    DigestSnapshot digest = new DigestSnapshot(Uuid7.next(), applicationId,
                            request.digestName() == null ? "Sample digest" : request.digestName(), request.description(),
                            List.of(), List.of(recipient), EmptyWindowPolicy.SEND, template.subject, template.html,
                            template.text, zone(request.timeZone()), null);
                    List<EventGroup> groups = SampleEvents.groups(checked.samples(), checked.types(), now,
                            composer.rowsPerType());
                    return prepare(digest, window, groups).chain(prepared -> render(prepared,
                            recipient, contentConfig.unsubscribeUrl() + "/preview").map(email -> new TemplatePreview(
                                    prepared.eventCount(), prepared.badEvents().size(), prepared.badEvents(),
                                    email.subject(), email.html(), email.text())));
                }));
    }

    private static String recipientOf(DigestSnapshot digest, String recipient) {
        if (recipient == null || recipient.isBlank()) {
            return digest.recipients().get(0);
        }
        String wanted = Addresses.normalize(recipient);
        return digest.recipients().stream().filter(r -> Addresses.normalize(r).equals(wanted)).findFirst()
                .orElseThrow(() -> ProblemException.invalid("recipient", "is not one of the digest's recipients"));
    }

    // Rendering runs a tenant's template: off the event loop, within the render time budget.
    private Uni<DigestComposer.Prepared> prepare(DigestSnapshot digest, Window window, List<EventGroup> groups) {
        return composer.prepareAsync(digest, window, groups)
                .onFailure(TemplateException.class).transform(PreviewService::templateError);
    }

    private static Uni<RenderedEmail> render(DigestEmail email, String recipient) {
        return email.render(recipient).onFailure(TemplateException.class).transform(PreviewService::templateError);
    }

    private Uni<RenderedEmail> render(DigestComposer.Prepared prepared, String recipient, String unsubscribeUrl) {
        return composer.renderAsync(prepared, recipient, unsubscribeUrl)
                .onFailure(TemplateException.class).transform(PreviewService::templateError);
    }

    /** The run would fail the same way; the preview says why instead. */
    private static ProblemException templateError(Throwable e) {
        return ProblemException.invalid("emailTemplate", "cannot render this digest: " + TemplateMessages.describe(e));
    }

    private static ZoneId zone(String timeZone) {
        return timeZone == null ? ZoneOffset.UTC : ZoneId.of(timeZone);
    }
}
