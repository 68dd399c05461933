package dev.digest.common.content;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed unsubscribe tokens: {@code base64url(digest id, address) "." base64url(HMAC-SHA256)}.
 * The token names who it is for, so the endpoint needs no lookup to know it, and the MAC makes
 * it the only credential: an edited or foreign token fails {@link #verify(String)}.
 */
public final class UnsubscribeTokens {

    private static final String ALGORITHM = "HmacSHA256";
    private static final int MAX_TOKEN_LENGTH = 1024;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

    public UnsubscribeTokens(byte[] secret) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("an unsubscribe signing key needs at least 32 bytes");
        }
        this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
    }

    /** Who a valid token unsubscribes: an address (lower-cased) from one digest. */
    public record Subscription(UUID digestId, String recipient) {
    }

    public String issue(UUID digestId, String recipient) {
        byte[] address = Addresses.normalize(recipient).getBytes(StandardCharsets.UTF_8);
        byte[] payload = ByteBuffer.allocate(16 + address.length)
                .putLong(digestId.getMostSignificantBits()).putLong(digestId.getLeastSignificantBits())
                .put(address).array();
        return ENCODER.encodeToString(payload) + "." + ENCODER.encodeToString(mac(payload));
    }

    /** The subscription a token names, or empty when it is malformed or its signature does not match. */
    public Optional<Subscription> verify(String token) {
        if (token == null || token.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.')) {
            return Optional.empty();
        }
        byte[] payload;
        byte[] signature;
        try {
            payload = DECODER.decode(token.substring(0, dot));
            signature = DECODER.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        // Only the canonical spelling is accepted: base64 leaves spare bits in its last character.
        String canonical = ENCODER.encodeToString(payload) + "." + ENCODER.encodeToString(signature);
        if (!canonical.equals(token)) {
            return Optional.empty();
        }
        // Constant-time comparison: the time taken says nothing about how much of a guess was right.
        if (payload.length <= 16 || !MessageDigest.isEqual(mac(payload), signature)) {
            return Optional.empty();
        }
        ByteBuffer buffer = ByteBuffer.wrap(payload);
        UUID digestId = new UUID(buffer.getLong(), buffer.getLong());
        try {
            String recipient = StandardCharsets.UTF_8.newDecoder()
                    .decode(ByteBuffer.wrap(Arrays.copyOfRange(payload, 16, payload.length))).toString();
            return Optional.of(new Subscription(digestId, recipient));
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    // A Mac is not thread-safe and costly to set up; each thread keeps one with the key.
    private byte[] mac(byte[] payload) {
        return macs.get().doFinal(payload);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        }
    }
}
