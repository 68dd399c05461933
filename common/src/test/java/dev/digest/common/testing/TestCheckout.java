package dev.digest.common.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A short name for this checkout (8 hex digits of a hash of its absolute path), put into the
 * names of the databases, streams and channels tests create on shared servers, so that two
 * checkouts on one machine run their tests at once without touching each other's.
 */
public final class TestCheckout {

    private static final String ID = hash(root().toString());

    private TestCheckout() {
    }

    /** The same in every module and every test JVM of one checkout. */
    public static String id() {
        return ID;
    }

    /** The top-most directory with a pom.xml above the working directory (Maven runs a module's tests in it). */
    static Path root() {
        Path dir = Path.of("").toAbsolutePath().normalize();
        Path root = dir;
        while (dir != null && Files.isRegularFile(dir.resolve("pom.xml"))) {
            root = dir;
            dir = dir.getParent();
        }
        return root;
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
