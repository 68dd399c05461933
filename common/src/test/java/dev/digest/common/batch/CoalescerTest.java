package dev.digest.common.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class CoalescerTest {

    /** A statement whose batches stay in flight until the test answers them. */
    private static final class Held {
        final List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        final List<UniEmitter<? super List<String>>> answers = new CopyOnWriteArrayList<>();

        Uni<List<String>> run(List<Integer> batch) {
            batches.add(List.copyOf(batch));
            return Uni.createFrom().emitter(answers::add);
        }

        void answer(int batch) {
            answers.get(batch).complete(batches.get(batch).stream().map(i -> "out" + i).toList());
        }
    }

    private static List<UniAssertSubscriber<String>> submit(Coalescer<Integer, String> coalescer, int from, int to) {
        List<UniAssertSubscriber<String>> calls = new ArrayList<>();
        for (int i = from; i < to; i++) {
            calls.add(coalescer.submit(i).subscribe().withSubscriber(UniAssertSubscriber.create()));
        }
        return calls;
    }

    @Test
    void aLoneCallGoesAtOnceAndCallsMadeMeanwhileShareTheNextStatement() {
        Held statement = new Held();
        Coalescer<Integer, String> coalescer = new Coalescer<>(100, 1, statement::run);

        List<UniAssertSubscriber<String>> first = submit(coalescer, 0, 1);
        List<UniAssertSubscriber<String>> meanwhile = submit(coalescer, 1, 6);

        assertEquals(List.of(List.of(0)), statement.batches, "nothing waits for a timer");
        assertEquals(5, coalescer.waiting());
        statement.answer(0);
        first.get(0).assertItem("out0");
        assertEquals(List.of(1, 2, 3, 4, 5), statement.batches.get(1), "one statement for every call made meanwhile");
        statement.answer(1);
        for (int i = 0; i < 5; i++) {
            meanwhile.get(i).assertItem("out" + (i + 1));
        }
    }

    @Test
    void batchesAreBoundedInSizeAndInNumberInFlight() {
        Held statement = new Held();
        Coalescer<Integer, String> coalescer = new Coalescer<>(3, 2, statement::run);

        submit(coalescer, 0, 10);

        assertEquals(2, statement.batches.size(), "two statements in flight at most");
        assertEquals(List.of(0), statement.batches.get(0));
        assertEquals(List.of(1), statement.batches.get(1));
        statement.answer(0);
        assertEquals(List.of(2, 3, 4), statement.batches.get(2), "at most three calls a statement");
    }

    @Test
    void aFailedStatementFailsEveryCallInItAndTheNextBatchStillRuns() {
        List<List<Integer>> seen = new CopyOnWriteArrayList<>();
        Coalescer<Integer, String> coalescer = new Coalescer<>(10, 1, batch -> {
            seen.add(List.copyOf(batch));
            return batch.contains(0) ? Uni.createFrom().failure(new IllegalStateException("boom"))
                    : Uni.createFrom().item(batch.stream().map(i -> "out" + i).toList());
        });

        List<UniAssertSubscriber<String>> calls = submit(coalescer, 0, 3);

        calls.get(0).assertFailedWith(IllegalStateException.class, "boom");
        calls.get(1).assertItem("out1");
        calls.get(2).assertItem("out2");
    }

    @Test
    void aStatementThatAnswersTheWrongNumberOfOutputsFailsItsCalls() {
        Coalescer<Integer, String> coalescer = new Coalescer<>(10, 1, batch -> Uni.createFrom().item(List.of()));

        UniAssertSubscriber<String> call = coalescer.submit(1).subscribe().withSubscriber(UniAssertSubscriber.create());

        assertTrue(call.getFailure().getMessage().contains("answered 0 outputs"));
    }

    @Test
    void limitsMustAllowABatch() {
        assertThrows(IllegalArgumentException.class, () -> new Coalescer<Integer, String>(0, 1, batch -> null));
    }

    @Test
    void roundsKeepTwoCallsAboutOneKeyApartAndAnswerInOrder() {
        List<List<String>> statements = new CopyOnWriteArrayList<>();
        List<String> answers = Rounds.<String, String>distinctBy(List.of("a1", "b1", "a2", "a3", "c1"),
                input -> input.charAt(0), round -> {
                    statements.add(round);
                    return Uni.createFrom().item(round.stream().map(String::toUpperCase).toList());
                }).await().atMost(java.time.Duration.ofSeconds(5));

        assertEquals(List.of(List.of("a1", "b1", "c1"), List.of("a2"), List.of("a3")), statements);
        assertEquals(List.of("A1", "B1", "A2", "A3", "C1"), answers);
    }
}
