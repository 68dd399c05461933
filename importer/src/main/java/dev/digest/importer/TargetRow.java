package dev.digest.importer;

import java.util.LinkedHashMap;
import java.util.UUID;

/**
 * One converted row for a {@code digest_} table: its id and its columns in insert order.
 * Values are UUID, String, Integer, Boolean, OffsetDateTime, {@code String[]} (text[]) or
 * {@link Json} (jsonb).
 */
public record TargetRow(String table, UUID id, Object oldId, LinkedHashMap<String, Object> columns) {

    /** A JSON document for a jsonb column. */
    public record Json(String text) {
    }

    public static TargetRow of(String table, UUID id, Object oldId) {
        LinkedHashMap<String, Object> columns = new LinkedHashMap<>();
        columns.put("id", id);
        return new TargetRow(table, id, oldId, columns);
    }

    public TargetRow with(String column, Object value) {
        columns.put(column, value);
        return this;
    }
}
