package dev.digest.api.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.digest.api.web.ProblemException;
import dev.digest.api.web.ProblemType;
import dev.digest.api.web.TextRules;
import dev.digest.api.web.Violation;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@code POST /events}: one event ({@code type}, {@code payload}, …) or a batch
 * ({@code events: [..]}), never both.
 */
public record IngestRequest(String type, JsonNode payload, OffsetDateTime occurredAt, String idempotencyKey,
        List<EventInput> events) {

    public boolean isBatch() {
        return events != null;
    }

    /** An event that passed the checks, its payload already serialized (once) for storage. */
    public record ValidEvent(String type, String payloadJson, OffsetDateTime occurredAt, String idempotencyKey) {
    }

    /** The events to store, checked; every problem is reported at once, with its field path. */
    public List<ValidEvent> validated(int maxBatch, int maxPayloadBytes) {
        if (isBatch()) {
            if (type != null || payload != null || occurredAt != null || idempotencyKey != null) {
                throw ProblemException.invalid("events", "send either one event or {\"events\": [..]}, not both");
            }
            if (events.isEmpty()) {
                throw ProblemException.invalid("events", "must hold at least one event");
            }
            if (events.size() > maxBatch) {
                throw new ProblemException(ProblemType.PAYLOAD_TOO_LARGE,
                        "At most " + maxBatch + " events per request; this one has " + events.size(),
                        List.of(new Violation("events", "at most " + maxBatch + " events")));
            }
        }
        List<EventInput> inputs = isBatch() ? events : List.of(new EventInput(type, payload, occurredAt, idempotencyKey));
        List<Violation> violations = new ArrayList<>();
        List<Violation> tooLarge = new ArrayList<>();
        List<ValidEvent> valid = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            String at = isBatch() ? "events[" + i + "]." : "";
            EventInput input = inputs.get(i);
            if (input == null) {
                violations.add(new Violation("events[" + i + "]", "must be an event object"));
                continue;
            }
            if (input.type() == null || input.type().isBlank()) {
                violations.add(new Violation(at + "type", "is required"));
            } else if (input.type().length() > 200) {
                violations.add(new Violation(at + "type", "must be at most 200 characters"));
            }
            String payloadJson = null;
            if (input.payload() == null || !input.payload().isObject()) {
                violations.add(new Violation(at + "payload", "must be a JSON object"));
            } else {
                String textProblem = textProblem(input.payload());
                if (textProblem != null) {
                    violations.add(new Violation(at + "payload", textProblem));
                }
                payloadJson = input.payload().toString();
                if (payloadJson.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > maxPayloadBytes) {
                    tooLarge.add(new Violation(at + "payload", "must be at most " + maxPayloadBytes + " bytes of JSON"));
                }
            }
            if (input.idempotencyKey() != null
                    && (input.idempotencyKey().isEmpty() || input.idempotencyKey().length() > 200)) {
                violations.add(new Violation(at + "idempotencyKey", "must be 1 to 200 characters"));
            }
            valid.add(new ValidEvent(input.type(), payloadJson, input.occurredAt(), input.idempotencyKey()));
        }
        if (!tooLarge.isEmpty()) {
            throw new ProblemException(ProblemType.PAYLOAD_TOO_LARGE, "An event payload is larger than allowed",
                    tooLarge);
        }
        if (!violations.isEmpty()) {
            throw ProblemException.invalid(violations);
        }
        return valid;
    }

    /**
     * The first key or string in the payload that cannot be stored, as {@link TextRules} says,
     * or a number past a double's range (Jackson reads {@code 1e400} as Infinity).
     */
    private static String textProblem(JsonNode node) {
        if (node.isTextual()) {
            return TextRules.problem(node.textValue());
        }
        if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
            return "holds a number beyond the range of a double";
        }
        if (node.isContainerNode()) {
            var fields = node.fields();
            while (fields.hasNext()) {
                var field = fields.next();
                String problem = TextRules.problem(field.getKey());
                if (problem == null) {
                    problem = textProblem(field.getValue());
                }
                if (problem != null) {
                    return problem;
                }
            }
            for (JsonNode element : node.isArray() ? node : com.fasterxml.jackson.databind.node.MissingNode.getInstance()) {
                String problem = textProblem(element);
                if (problem != null) {
                    return problem;
                }
            }
        }
        return null;
    }
}
