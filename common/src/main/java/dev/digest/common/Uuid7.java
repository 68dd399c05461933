package dev.digest.common;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Time-ordered UUIDs (RFC 9562 version 7).
 *
 * <p>Ids sort by creation time, so keyset pagination over the primary key walks rows in
 * the order they were made and the primary-key index stays append-mostly. Within one process
 * they are strictly increasing even within a millisecond: the 12 bits after the timestamp start
 * at a random value each millisecond and count up (RFC 9562, section 6.2, method 1), so a
 * batch made in one go keeps its order.
 */
public final class Uuid7 {

    // Made on first use, not in the class initialiser: a native image initialises classes while it
    // is built, and a SecureRandom created then would be frozen into the image heap (GraalVM
    // refuses it) with the same seed in every process.
    private static volatile SecureRandom random;
    // The timestamp and the 12-bit counter as one number: (millis << 12) | counter.
    private static final AtomicLong LAST = new AtomicLong();

    private Uuid7() {
    }

    public static UUID next() {
        return next(Clock.systemUTC());
    }

    public static UUID next(Clock clock) {
        // Half the counter space is left for ids made later in the same millisecond.
        SecureRandom random = random();
        long fresh = (clock.millis() << 12) | random.nextInt(1 << 11);
        long value = LAST.updateAndGet(last -> Math.max(fresh, last + 1));
        long msb = ((value >>> 12) << 16) | (0x7L << 12) | (value & 0xFFF);
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    private static SecureRandom random() {
        SecureRandom current = random;
        if (current == null) {
            synchronized (Uuid7.class) {
                current = random;
                if (current == null) {
                    current = new SecureRandom();
                    random = current;
                }
            }
        }
        return current;
    }
}
