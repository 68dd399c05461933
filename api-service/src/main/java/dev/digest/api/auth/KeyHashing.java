package dev.digest.api.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Hashes API keys for storage and comparison.
 *
 * <p>Plain SHA-256 is enough: keys carry 256 random bits, so there is nothing for a slow
 * password hash to protect, and lookups stay one index probe.
 */
public final class KeyHashing {

    private KeyHashing() {
    }

    public static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    public static String sha256Hex(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }

    /** Compares two keys in time that does not depend on where they differ. */
    public static boolean sameKey(String presented, String expected) {
        return MessageDigest.isEqual(sha256(presented), sha256(expected));
    }
}
