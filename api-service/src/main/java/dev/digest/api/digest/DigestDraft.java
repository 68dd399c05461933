package dev.digest.api.digest;

import dev.digest.common.content.Addresses;
import dev.digest.api.digesttemplate.DigestTemplate;
import dev.digest.api.web.ProblemException;
import dev.digest.api.web.Violation;
import dev.digest.common.digest.EmptyWindowPolicy;
import dev.digest.common.digest.MissedRunPolicy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** A digest's values once a request is merged with its template (if any) and defaults, checked for completeness. */
record DigestDraft(
        String name,
        String description,
        List<String> eventTypes,
        String cron,
        String timeZone,
        List<String> recipients,
        UUID emailTemplateId,
        boolean enabled,
        EmptyWindowPolicy emptyWindow,
        MissedRunPolicy missedRuns) {

    /** Request fields win; the template fills what the request leaves out; then defaults. */
    static DigestDraft of(DigestRequest request, DigestTemplate preset) {
        List<String> presetTypes = preset == null ? List.of() : List.of(preset.eventTypes);
        return new DigestDraft(
                request.name(),
                request.description(),
                request.eventTypes() != null ? List.copyOf(request.eventTypes()) : presetTypes,
                firstNonNull(request.cron(), preset == null ? null : preset.cron),
                firstNonNull(request.timeZone(), preset == null ? null : preset.timeZone),
                request.recipients().stream().map(String::trim).toList(),
                firstNonNull(request.emailTemplateId(), preset == null ? null : preset.emailTemplateId),
                request.enabled() == null || request.enabled(),
                firstNonNull(request.emptyWindow(), firstNonNull(preset == null ? null : preset.emptyWindow,
                        EmptyWindowPolicy.SKIP)),
                firstNonNull(request.missedRuns(), MissedRunPolicy.COALESCE));
    }

    /** Refuses a draft that lacks a required value, has too many recipients, or lists one twice. */
    DigestDraft requireComplete(int maxRecipients) {
        List<Violation> violations = new ArrayList<>();
        if (cron == null) {
            violations.add(new Violation("cron", "must not be null"));
        }
        if (timeZone == null) {
            violations.add(new Violation("timeZone", "must not be null"));
        }
        if (emailTemplateId == null) {
            violations.add(new Violation("emailTemplateId", "must not be null"));
        }
        if (recipients.size() > maxRecipients) {
            violations.add(new Violation("recipients", "must have at most " + maxRecipients + " addresses"));
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < recipients.size(); i++) {
            if (!seen.add(Addresses.normalize(recipients.get(i)))) {
                violations.add(new Violation("recipients[" + i + "]", "is listed more than once"));
            }
        }
        if (!violations.isEmpty()) {
            throw ProblemException.invalid(violations);
        }
        return this;
    }

    private static <T> T firstNonNull(T first, T second) {
        return first != null ? first : second;
    }
}
