package dev.digest.api.web;

import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** One page of a list: the items and the cursor of the next page, null on the last. */
public record Page<T>(List<T> items, String nextCursor) {

    /**
     * Builds a page from rows fetched with {@code limit + 1}: the extra row only says that a
     * next page exists, and the cursor points after the last row returned.
     */
    public static <E, T> Page<T> of(List<E> rows, PageRequest request, Function<E, UUID> id, Function<E, T> map) {
        boolean more = rows.size() > request.limit();
        List<E> shown = more ? rows.subList(0, request.limit()) : rows;
        String next = more ? Cursor.encode(id.apply(shown.get(shown.size() - 1))) : null;
        return new Page<>(shown.stream().map(map).toList(), next);
    }
}
