package dev.digest.api.eventtype;

import dev.digest.api.template.TemplateSyntax;
import dev.digest.api.web.ExpectedVersion;
import dev.digest.api.web.Page;
import dev.digest.api.web.PageRequest;
import dev.digest.api.web.ProblemException;
import dev.digest.api.web.LikePattern;
import dev.digest.api.web.ProblemType;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.UUID;

/** Creates, changes and removes an application's event types. */
@ApplicationScoped
public class EventTypeService {

    private final EventTypeRepository types;
    private final EventTypeUsage usage;
    private final TemplateSyntax templates;

    public EventTypeService(EventTypeRepository types, EventTypeUsage usage, TemplateSyntax templates) {
        this.types = types;
        this.usage = usage;
        this.templates = templates;
    }

    @WithTransaction
    public Uni<EventType> create(UUID applicationId, EventTypeRequest request) {
        templates.requireValid(TemplateSyntax.fields("lineTemplate", request.lineTemplate()));
        EventType type = new EventType();
        type.applicationId = applicationId;
        type.key = request.key();
        apply(type, request);
        return types.persistAndFlush(type);
    }

    public Uni<EventType> get(UUID applicationId, UUID id) {
        return types.findOwned(applicationId, id);
    }

    public Uni<Page<EventTypeResponse>> list(UUID applicationId, String keyPrefix, PageRequest page) {
        boolean filtered = keyPrefix != null && !keyPrefix.isEmpty();
        String filter = filtered ? "key like :prefix escape '\\'" : "";
        Map<String, Object> parameters = filtered ? Map.of("prefix", LikePattern.prefix(keyPrefix)) : Map.of();
        return types.page(applicationId, filter, parameters, page)
                .map(rows -> Page.of(rows, page, t -> t.id, EventTypeResponse::from));
    }

    @WithTransaction
    public Uni<EventType> update(UUID applicationId, UUID id, EventTypeRequest request, ExpectedVersion expected) {
        templates.requireValid(TemplateSyntax.fields("lineTemplate", request.lineTemplate()));
        return types.findOwned(applicationId, id).invoke(type -> {
            expected.check(type.version);
            if (!type.key.equals(request.key())) {
                throw ProblemException.invalid("key", "cannot change; create a new event type instead");
            }
            apply(type, request);
        }).call(types::flush);
    }

    /** Refused (409) while stored events or digests refer to the type. */
    @WithTransaction
    public Uni<Void> delete(UUID applicationId, UUID id) {
        return types.findOwned(applicationId, id)
                .call(type -> usage.countFilteringOn(applicationId, type.key).invoke(count -> {
                    if (count > 0) {
                        throw new ProblemException(ProblemType.CONFLICT,
                                "The event type is still used by " + count + " digest(s)");
                    }
                }))
                .call(types::delete)
                .call(types::flush)
                .replaceWithVoid();
    }

    private static void apply(EventType type, EventTypeRequest request) {
        type.name = request.name();
        type.description = request.description();
        type.lineTemplate = request.lineTemplate();
    }
}
