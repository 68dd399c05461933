package dev.digest.api.digesttemplate;

import dev.digest.api.web.ExpectedVersion;
import dev.digest.api.web.Page;
import dev.digest.api.web.PageRequest;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Creates, changes and removes digest templates. Digests made from one keep their own copy of its values. */
@ApplicationScoped
public class DigestTemplateService {

    private final DigestTemplateRepository presets;
    private final DigestReferences references;

    public DigestTemplateService(DigestTemplateRepository presets, DigestReferences references) {
        this.presets = presets;
        this.references = references;
    }

    @WithTransaction
    public Uni<DigestTemplate> create(UUID applicationId, DigestTemplateRequest request) {
        return references.requireExisting(applicationId, request.eventTypes(), request.emailTemplateId())
                .chain(() -> {
                    DigestTemplate preset = new DigestTemplate();
                    preset.applicationId = applicationId;
                    apply(preset, request);
                    return presets.persistAndFlush(preset);
                });
    }

    public Uni<DigestTemplate> get(UUID applicationId, UUID id) {
        return presets.findOwned(applicationId, id);
    }

    public Uni<Page<DigestTemplateResponse>> list(UUID applicationId, PageRequest page) {
        return presets.page(applicationId, "", Map.of(), page)
                .map(rows -> Page.of(rows, page, t -> t.id, DigestTemplateResponse::from));
    }

    @WithTransaction
    public Uni<DigestTemplate> update(UUID applicationId, UUID id, DigestTemplateRequest request,
            ExpectedVersion expected) {
        return references.requireExisting(applicationId, request.eventTypes(), request.emailTemplateId())
                .chain(() -> presets.findOwned(applicationId, id))
                .invoke(preset -> {
                    expected.check(preset.version);
                    apply(preset, request);
                })
                .call(presets::flush);
    }

    @WithTransaction
    public Uni<Void> delete(UUID applicationId, UUID id) {
        return presets.findOwned(applicationId, id).call(presets::delete).call(presets::flush).replaceWithVoid();
    }

    private static void apply(DigestTemplate preset, DigestTemplateRequest request) {
        preset.name = request.name();
        preset.description = request.description();
        preset.eventTypes = (request.eventTypes() == null ? List.<String>of() : request.eventTypes()).toArray(String[]::new);
        preset.cron = request.cron();
        preset.timeZone = request.timeZone();
        preset.emailTemplateId = request.emailTemplateId();
        preset.emptyWindow = request.emptyWindow();
    }
}
