package dev.digest.common.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UnsubscribeTokensTest {

    private final UnsubscribeTokens tokens = new UnsubscribeTokens("0123456789abcdef0123456789abcdef".getBytes());
    private final UUID digest = UUID.randomUUID();

    @Test
    void aTokenNamesItsDigestAndLowerCasedAddress() {
        String token = tokens.issue(digest, " Ann.Example@Mail.Example ");
        assertEquals(new UnsubscribeTokens.Subscription(digest, "ann.example@mail.example"), tokens.verify(token).orElseThrow());
        assertTrue(token.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}"), token);
    }

    @Test
    void editedForeignOrMalformedTokensAreRefused() {
        String token = tokens.issue(digest, "ann@example.com");
        int dot = token.indexOf('.');
        byte[] payload = Base64.getUrlDecoder().decode(token.substring(0, dot));
        payload[payload.length - 1] = 'x';
        String otherAddress = Base64.getUrlEncoder().withoutPadding().encodeToString(payload) + token.substring(dot);
        String foreign = new UnsubscribeTokens("another-key-another-key-another-key!".getBytes()).issue(digest, "ann@example.com");
        char last = token.charAt(token.length() - 1);
        String flipped = token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');

        for (String bad : new String[] {otherAddress, foreign, flipped, "", ".", "abc", "a.b.c", token + "x",
                "%%%." + token.substring(dot + 1), token.substring(0, dot), "x".repeat(5000)}) {
            assertTrue(tokens.verify(bad).isEmpty(), bad);
        }
    }
}
