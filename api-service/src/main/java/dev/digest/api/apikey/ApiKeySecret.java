package dev.digest.api.apikey;

import dev.digest.api.auth.KeyHashing;
import java.security.SecureRandom;
import java.util.Base64;

/** A newly minted key: 256 random bits behind a recognisable {@code dgk_} prefix. */
public record ApiKeySecret(String key, String prefix, String hash) {

    private static final int PREFIX_LENGTH = 12;

    public static ApiKeySecret generate() {
        byte[] secret = new byte[32];
        // A SecureRandom per key, never a static one: a native image initialises classes while it
        // is built and would freeze a static SecureRandom into its heap (GraalVM refuses it).
        // Keys are made rarely, so the cost of seeding each one does not matter.
        new SecureRandom().nextBytes(secret);
        String key = "dgk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return new ApiKeySecret(key, key.substring(0, PREFIX_LENGTH), KeyHashing.sha256Hex(key));
    }

    /** Keeps the secret out of logs and debugger views. */
    @Override
    public String toString() {
        return "ApiKeySecret[prefix=" + prefix + "]";
    }
}
