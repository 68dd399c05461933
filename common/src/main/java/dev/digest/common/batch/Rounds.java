package dev.digest.common.batch;

import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Runs a batch as rounds in which no key appears twice, one round after the other, and answers
 * in input order. A statement over {@code unnest} arrays updates a row once however many inputs
 * name it, so two calls about the same run (or digest) must not share a statement; the second
 * round sees what the first did.
 */
public final class Rounds {

    private Rounds() {
    }

    /** Whether no key appears twice: the batch is one round. */
    public static <I> boolean distinct(List<I> inputs, Function<I, ?> key) {
        Set<Object> seen = new HashSet<>();
        for (I input : inputs) {
            if (!seen.add(key.apply(input))) {
                return false;
            }
        }
        return true;
    }

    public static <I, O> Uni<List<O>> distinctBy(List<I> inputs, Function<I, ?> key,
            Function<List<I>, Uni<List<O>>> statement) {
        List<List<Integer>> rounds = new ArrayList<>();
        List<Set<Object>> keys = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Object k = key.apply(inputs.get(i));
            int round = 0;
            while (round < rounds.size() && keys.get(round).contains(k)) {
                round++;
            }
            if (round == rounds.size()) {
                rounds.add(new ArrayList<>());
                keys.add(new HashSet<>());
            }
            rounds.get(round).add(i);
            keys.get(round).add(k);
        }
        if (rounds.size() <= 1) {
            return statement.apply(inputs);
        }
        Object[] outputs = new Object[inputs.size()];
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (List<Integer> round : rounds) {
            chain = chain.chain(() -> statement.apply(round.stream().map(inputs::get).toList()).invoke(answers -> {
                for (int j = 0; j < round.size(); j++) {
                    outputs[round.get(j)] = answers.get(j);
                }
            }).replaceWithVoid());
        }
        @SuppressWarnings("unchecked")
        Uni<List<O>> all = chain.map(done -> (List<O>) Arrays.asList(outputs));
        return all;
    }
}
