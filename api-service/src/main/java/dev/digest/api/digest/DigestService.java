package dev.digest.api.digest;

import dev.digest.api.config.ApiConfig;
import dev.digest.api.digesttemplate.DigestReferences;
import dev.digest.api.digesttemplate.DigestTemplate;
import dev.digest.api.digesttemplate.DigestTemplateRepository;
import dev.digest.api.domain.NotFoundException;
import dev.digest.api.schedule.CronSchedule;
import dev.digest.api.schedule.InvalidCronException;
import dev.digest.api.web.ExpectedVersion;
import dev.digest.api.web.LikePattern;
import dev.digest.api.web.Page;
import dev.digest.api.web.PageRequest;
import dev.digest.api.web.ProblemException;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Creates, changes and removes digests, and keeps {@code nextRunAt} in step with schedule and enablement. */
@ApplicationScoped
public class DigestService {

    private final DigestRepository digests;
    private final DigestTemplateRepository presets;
    private final DigestReferences references;
    private final ApiConfig.Limits limits;
    private final Clock clock;

    public DigestService(DigestRepository digests, DigestTemplateRepository presets, DigestReferences references,
            ApiConfig config, Clock clock) {
        this.digests = digests;
        this.presets = presets;
        this.references = references;
        this.limits = config.limits();
        this.clock = clock;
    }

    @WithTransaction
    public Uni<Digest> create(UUID applicationId, DigestRequest request) {
        return presetFor(applicationId, request.templateId())
                .map(preset -> DigestDraft.of(request, preset).requireComplete(limits.maxRecipients()))
                .call(draft -> references.requireExisting(applicationId, draft.eventTypes(), draft.emailTemplateId()))
                .chain(draft -> {
                    Digest digest = new Digest();
                    digest.applicationId = applicationId;
                    apply(digest, draft);
                    return digests.persistAndFlush(digest);
                });
    }

    public Uni<Digest> get(UUID applicationId, UUID id) {
        return digests.findOwned(applicationId, id);
    }

    public Uni<Page<DigestResponse>> list(UUID applicationId, Boolean enabled, String namePrefix, PageRequest page) {
        StringBuilder filter = new StringBuilder();
        Map<String, Object> parameters = new HashMap<>();
        if (enabled != null) {
            filter.append("enabled = :enabled");
            parameters.put("enabled", enabled);
        }
        if (namePrefix != null && !namePrefix.isEmpty()) {
            filter.append(filter.length() == 0 ? "" : " and ").append("name like :prefix escape '\\'");
            parameters.put("prefix", LikePattern.prefix(namePrefix));
        }
        return digests.page(applicationId, filter.toString(), parameters, page)
                .map(rows -> Page.of(rows, page, d -> d.id, DigestResponse::from));
    }

    @WithTransaction
    public Uni<Digest> update(UUID applicationId, UUID id, DigestRequest request, ExpectedVersion expected) {
        if (request.templateId() != null) {
            throw ProblemException.invalid("templateId", "applies only when creating a digest");
        }
        DigestDraft draft = DigestDraft.of(request, null).requireComplete(limits.maxRecipients());
        return references.requireExisting(applicationId, draft.eventTypes(), draft.emailTemplateId())
                .chain(() -> digests.findOwned(applicationId, id))
                .invoke(digest -> {
                    expected.check(digest.version);
                    apply(digest, draft);
                })
                .call(digests::flush);
    }

    @WithTransaction
    public Uni<Void> delete(UUID applicationId, UUID id) {
        return digests.findOwned(applicationId, id).call(digests::delete).call(digests::flush).replaceWithVoid();
    }

    private Uni<DigestTemplate> presetFor(UUID applicationId, UUID templateId) {
        if (templateId == null) {
            return Uni.createFrom().nullItem();
        }
        return presets.findOwned(applicationId, templateId).onFailure(NotFoundException.class)
                .transform(missing -> ProblemException.invalid("templateId", "no such digest template"));
    }

    /**
     * The first instant of a schedule being saved. One that never fires again (its year field has
     * passed), or that was stored before its form was refused (a template's), is refused here
     * rather than saved as a digest that silently never runs.
     */
    private Instant nextRunAt(DigestDraft draft) {
        try {
            return CronSchedule.nextAfter(draft.cron(), ZoneId.of(draft.timeZone()), clock.instant())
                    .orElseThrow(() -> ProblemException.invalid("cron", "has no fire instant after now"));
        } catch (InvalidCronException e) {
            throw ProblemException.invalid("cron", "is not a supported Quartz cron expression: " + e.getMessage());
        }
    }

    /**
     * Copies the draft. A new or changed schedule (cron, zone, enabling) applies from its next
     * instant after now; an unchanged one keeps its next run, so an edit made while a run is
     * overdue does not lose that run.
     */
    private void apply(Digest digest, DigestDraft draft) {
        boolean rescheduled = digest.nextRunAt == null || !draft.enabled() || !digest.enabled
                || !draft.cron().equals(digest.cron) || !draft.timeZone().equals(digest.timeZone);
        digest.name = draft.name();
        digest.description = draft.description();
        digest.eventTypes = draft.eventTypes().toArray(String[]::new);
        digest.cron = draft.cron();
        digest.timeZone = draft.timeZone();
        digest.recipients = draft.recipients().toArray(String[]::new);
        digest.emailTemplateId = draft.emailTemplateId();
        digest.enabled = draft.enabled();
        digest.emptyWindow = draft.emptyWindow();
        digest.missedRuns = draft.missedRuns();
        if (rescheduled) {
            digest.nextRunAt = draft.enabled() ? nextRunAt(draft) : null;
            digest.scheduleError = null;
        }
    }
}
