package dev.digest.importer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Old ids (text or integers) to UUIDs, deterministically: a name-based UUID (version 5) of the
 * table and the old id. References between imported rows survive without a lookup table, and a
 * second import of the same file produces the same ids, so it finds its rows already there.
 */
public final class LegacyIds {

    // Fixed for all time: changing it would make a re-run import everything a second time.
    private static final UUID NAMESPACE = UUID.fromString("6b1f2d4e-3c8a-5e71-9f0d-8a2b7c4e1d90");

    private LegacyIds() {
    }

    public static UUID of(String table, Object oldId) {
        return nameBased(table + ":" + oldId);
    }

    /**
     * Runs and email logs have integer ids that restart at 1 in every old database, so they are
     * named within their application; importing two databases never makes them collide.
     */
    public static UUID within(String table, Object applicationOldId, Object oldId) {
        return nameBased(table + ":" + applicationOldId + "/" + oldId);
    }

    private static UUID nameBased(String name) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every Java runtime", e);
        }
        sha1.update(toBytes(NAMESPACE));
        byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
        long most = 0;
        long least = 0;
        for (int i = 0; i < 8; i++) {
            most = (most << 8) | (hash[i] & 0xff);
            least = (least << 8) | (hash[i + 8] & 0xff);
        }
        return new UUID(most, least);
    }

    private static byte[] toBytes(UUID uuid) {
        byte[] bytes = new byte[16];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (uuid.getMostSignificantBits() >>> (56 - 8 * i));
            bytes[i + 8] = (byte) (uuid.getLeastSignificantBits() >>> (56 - 8 * i));
        }
        return bytes;
    }
}
