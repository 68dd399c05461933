package dev.digest.common.batch;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Group commit for one kind of statement: calls made while earlier ones are in flight are
 * sent together, as one statement over all of them, as soon as a slot frees up. Nothing waits
 * on a timer: a lone call goes out at once, and under load each statement carries every call
 * that arrived while the previous ones ran, so the statements per call fall as the load rises.
 *
 * <p>A call is only ever sent in a batch that starts after it was made, so a batched read sees
 * everything committed before the call. The batch function answers one output per input, in
 * input order; when it fails, every call in the batch fails with it.
 *
 * <p>Each call is answered on the Vert.x context it was made on: the statement's answer
 * arrives on whatever context issued it, and a caller that goes on with, say, a Hibernate
 * Reactive session must not find itself on another request's event loop.
 *
 * <p>A statement that has not answered after {@link #STUCK_AFTER} fails its calls and frees its
 * slot, so one stuck statement (a lock wait, a half-open connection) does not hold up every later
 * call of its kind. The statements batched here are all conditional moves or reads, so one that
 * still completes later changes nothing its callers' retries do not expect.
 */
public final class Coalescer<I, O> {

    static final Duration STUCK_AFTER = Duration.ofSeconds(30);

    private final int maxBatch;
    private final int maxInFlight;
    private final Function<List<I>, Uni<List<O>>> statement;
    private final ArrayDeque<Pending<I, O>> waiting = new ArrayDeque<>();
    private int inFlight;

    /**
     * @param maxBatch    the most calls one statement carries
     * @param maxInFlight statements of this kind running at once (each holds a connection)
     * @param statement   runs one batch: one output per input, in order
     */
    public Coalescer(int maxBatch, int maxInFlight, Function<List<I>, Uni<List<O>>> statement) {
        if (maxBatch < 1 || maxInFlight < 1) {
            throw new IllegalArgumentException("maxBatch and maxInFlight must be at least 1");
        }
        this.maxBatch = maxBatch;
        this.maxInFlight = maxInFlight;
        this.statement = statement;
    }

    /** The call's output, once the batch that carried it has run. */
    public Uni<O> submit(I input) {
        return Uni.createFrom().emitter(emitter -> {
            synchronized (this) {
                waiting.add(new Pending<>(input, emitter, Vertx.currentContext()));
            }
            drain();
        });
    }

    /** Calls waiting for a slot (not those in flight). */
    public synchronized int waiting() {
        return waiting.size();
    }

    private void drain() {
        while (true) {
            List<Pending<I, O>> batch;
            synchronized (this) {
                if (inFlight >= maxInFlight || waiting.isEmpty()) {
                    return;
                }
                inFlight++;
                batch = new ArrayList<>(Math.min(maxBatch, waiting.size()));
                while (batch.size() < maxBatch && !waiting.isEmpty()) {
                    batch.add(waiting.poll());
                }
            }
            run(batch);
        }
    }

    private void run(List<Pending<I, O>> batch) {
        List<I> inputs = new ArrayList<>(batch.size());
        batch.forEach(pending -> inputs.add(pending.input()));
        Uni<List<O>> result;
        try {
            result = statement.apply(inputs);
        } catch (RuntimeException e) {
            result = Uni.createFrom().failure(e);
        }
        result.ifNoItem().after(STUCK_AFTER).failWith(() -> new IllegalStateException(
                        "a batched statement did not answer within " + STUCK_AFTER))
                .subscribe().with(outputs -> {
            released();
            if (outputs.size() != batch.size()) {
                IllegalStateException wrong = new IllegalStateException(
                        "a batch of " + batch.size() + " calls answered " + outputs.size() + " outputs");
                batch.forEach(pending -> pending.fail(wrong));
            } else {
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).complete(outputs.get(i));
                }
            }
            drain();
        }, failure -> {
            released();
            batch.forEach(pending -> pending.fail(failure));
            drain();
        });
    }

    private synchronized void released() {
        inFlight--;
    }

    private record Pending<I, O>(I input, UniEmitter<? super O> emitter, Context context) {

        void complete(O output) {
            onCallersContext(() -> emitter.complete(output));
        }

        void fail(Throwable failure) {
            onCallersContext(() -> emitter.fail(failure));
        }

        private void onCallersContext(Runnable answer) {
            if (context == null || context == Vertx.currentContext()) {
                answer.run();
            } else {
                context.runOnContext(ignored -> answer.run());
            }
        }
    }
}
