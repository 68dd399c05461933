package dev.digest.api.digesttemplate;

import dev.digest.api.emailtemplate.EmailTemplateRepository;
import dev.digest.api.eventtype.EventTypeRepository;
import dev.digest.api.web.ProblemException;
import dev.digest.api.web.Violation;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Checks that what a digest or digest template names exists in the caller's application:
 * its event types and its email template. Anything else is a 422 naming the field.
 */
@ApplicationScoped
public class DigestReferences {

    private final EventTypeRepository eventTypes;
    private final EmailTemplateRepository emailTemplates;

    public DigestReferences(EventTypeRepository eventTypes, EmailTemplateRepository emailTemplates) {
        this.eventTypes = eventTypes;
        this.emailTemplates = emailTemplates;
    }

    public Uni<Void> requireExisting(UUID applicationId, List<String> eventTypeKeys, UUID emailTemplateId) {
        Uni<Boolean> templateExists = emailTemplateId == null
                ? Uni.createFrom().item(true)
                : emailTemplates.existsOwned(applicationId, emailTemplateId);
        return eventTypes.missingKeys(applicationId, eventTypeKeys == null ? List.of() : eventTypeKeys)
                .chain(missing -> templateExists.invoke(templateFound -> {
                    List<Violation> violations = new ArrayList<>();
                    if (!missing.isEmpty()) {
                        violations.add(new Violation("eventTypes", "unknown event types: " + String.join(", ", missing)));
                    }
                    if (!templateFound) {
                        violations.add(new Violation("emailTemplateId", "no such email template"));
                    }
                    if (!violations.isEmpty()) {
                        throw ProblemException.invalid(violations);
                    }
                }))
                .replaceWithVoid();
    }
}
