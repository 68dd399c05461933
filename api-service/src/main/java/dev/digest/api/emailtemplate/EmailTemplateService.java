package dev.digest.api.emailtemplate;

import dev.digest.api.template.TemplateSyntax;
import dev.digest.api.web.ExpectedVersion;
import dev.digest.api.web.LikePattern;
import dev.digest.api.web.Page;
import dev.digest.api.web.PageRequest;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.UUID;

/** Creates, changes and removes an application's email templates. One still used by a digest cannot be removed. */
@ApplicationScoped
public class EmailTemplateService {

    private final EmailTemplateRepository templates;
    private final TemplateSyntax syntax;

    public EmailTemplateService(EmailTemplateRepository templates, TemplateSyntax syntax) {
        this.templates = templates;
        this.syntax = syntax;
    }

    @WithTransaction
    public Uni<EmailTemplate> create(UUID applicationId, EmailTemplateRequest request) {
        requireParsable(request);
        EmailTemplate template = new EmailTemplate();
        template.applicationId = applicationId;
        apply(template, request);
        return templates.persistAndFlush(template);
    }

    public Uni<EmailTemplate> get(UUID applicationId, UUID id) {
        return templates.findOwned(applicationId, id);
    }

    public Uni<Page<EmailTemplateResponse>> list(UUID applicationId, String namePrefix, PageRequest page) {
        boolean filtered = namePrefix != null && !namePrefix.isEmpty();
        String filter = filtered ? "name like :prefix escape '\\'" : "";
        Map<String, Object> parameters = filtered ? Map.of("prefix", LikePattern.prefix(namePrefix)) : Map.of();
        return templates.page(applicationId, filter, parameters, page)
                .map(rows -> Page.of(rows, page, t -> t.id, EmailTemplateResponse::from));
    }

    @WithTransaction
    public Uni<EmailTemplate> update(UUID applicationId, UUID id, EmailTemplateRequest request, ExpectedVersion expected) {
        requireParsable(request);
        return templates.findOwned(applicationId, id).invoke(template -> {
            expected.check(template.version);
            apply(template, request);
        }).call(templates::flush);
    }

    @WithTransaction
    public Uni<Void> delete(UUID applicationId, UUID id) {
        return templates.findOwned(applicationId, id).call(templates::delete).call(templates::flush).replaceWithVoid();
    }

    private void requireParsable(EmailTemplateRequest request) {
        syntax.requireValid(TemplateSyntax.fields(
                "subject", request.subject(), "html", request.html(), "text", request.text()));
    }

    private static void apply(EmailTemplate template, EmailTemplateRequest request) {
        template.name = request.name();
        template.subject = request.subject();
        template.html = request.html();
        template.text = request.text();
    }
}
