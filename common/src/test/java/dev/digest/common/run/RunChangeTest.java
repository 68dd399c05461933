package dev.digest.common.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonArray;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RunChangeTest {

    private static RunChange change(RunStatus status) {
        return new RunChange(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), status,
                Instant.parse("2026-11-22T08:00:00.123456Z"));
    }

    @Test
    void aBatchOfChangesIsOneJsonArrayThatReadsBackInOrder() {
        List<RunChange> changes = List.of(change(RunStatus.QUEUED), change(RunStatus.RUNNING), change(RunStatus.SUCCEEDED));
        String message = RunChange.toJson(changes);

        JsonArray parsed = new JsonArray(message);
        assertEquals(3, parsed.size());
        assertEquals(changes.get(1).runId().toString(), parsed.getJsonObject(1).getString("runId"));
        assertEquals("running", parsed.getJsonObject(1).getString("status"));
        assertEquals("2026-11-22T08:00:00.123456Z", parsed.getJsonObject(2).getString("at"));
        assertEquals(changes, RunChange.listFromJson(message));
    }

    @Test
    void aSingleChangeFromAnEarlierVersionIsStillRead() {
        RunChange one = change(RunStatus.DEAD);
        assertEquals(List.of(one), RunChange.listFromJson(one.toJson()));
        assertEquals(one, RunChange.fromJson(one.toJson()));
    }

    @Test
    void anythingElseIsRefusedAsNotARunChange() {
        assertThrows(IllegalArgumentException.class, () -> RunChange.listFromJson("hello"));
        assertThrows(IllegalArgumentException.class, () -> RunChange.listFromJson("[{\"runId\":\"x\"}]"));
        assertThrows(IllegalArgumentException.class, () -> RunChange.listFromJson("[1]"));
    }
}
