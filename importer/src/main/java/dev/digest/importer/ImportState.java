package dev.digest.importer;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What the import has carried over so far, for the tables after it: which parents are in the
 * target (written now or found from an earlier run), each child's application, the event types
 * events may name, and the email templates that did not convert.
 */
final class ImportState {

    final Set<UUID> present = new HashSet<>();
    final Map<String, String> applicationOfDigest = new HashMap<>();
    final Map<String, String> applicationOfRun = new HashMap<>();
    final Set<String> eventTypes = new HashSet<>();
    final Map<UUID, String> brokenTemplates = new HashMap<>();

    void requirePresent(UUID id, String what, Object oldId) {
        if (!present.contains(id)) {
            throw new RowRejected(what + " " + oldId + " was not imported");
        }
    }

    static String eventTypeKey(UUID application, String key) {
        return application + "\u0000" + key;
    }
}
