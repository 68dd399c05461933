package dev.digest.common.job;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One job on the stream: a pointer to a run. The run row in PostgreSQL is the truth; the
 * message carries only what a worker needs to find it, the attempt it stands for, and the
 * trace context of the request that caused it.
 */
public record JobMessage(UUID runId, UUID applicationId, UUID digestId, int attempt, String traceParent) {

    public static final String RUN_ID = "runId";
    public static final String APPLICATION_ID = "applicationId";
    public static final String DIGEST_ID = "digestId";
    public static final String ATTEMPT = "attempt";
    public static final String TRACE_PARENT = "traceparent";

    /** Stream entry fields, as written with XADD. */
    public Map<String, String> toFields() {
        Map<String, String> fields = new HashMap<>();
        fields.put(RUN_ID, runId.toString());
        fields.put(APPLICATION_ID, applicationId.toString());
        fields.put(DIGEST_ID, digestId.toString());
        fields.put(ATTEMPT, Integer.toString(attempt));
        if (traceParent != null) {
            fields.put(TRACE_PARENT, traceParent);
        }
        return fields;
    }

    /** Reads stream entry fields; {@code IllegalArgumentException} if a required one is missing or malformed. */
    public static JobMessage fromFields(Map<String, String> fields) {
        return new JobMessage(
                uuid(fields, RUN_ID),
                uuid(fields, APPLICATION_ID),
                uuid(fields, DIGEST_ID),
                Integer.parseInt(required(fields, ATTEMPT)),
                fields.get(TRACE_PARENT));
    }

    private static UUID uuid(Map<String, String> fields, String name) {
        return UUID.fromString(required(fields, name));
    }

    private static String required(Map<String, String> fields, String name) {
        String value = fields.get(name);
        if (value == null) {
            throw new IllegalArgumentException("job message has no " + name);
        }
        return value;
    }
}
