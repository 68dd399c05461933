package dev.digest.common.content;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AddressesTest {

    @Test
    void addressesCompareWithoutSurroundingSpaceOrCase() {
        assertEquals("ops@example.com", Addresses.normalize("  Ops@Example.COM\u2003"));
        assertEquals(Addresses.normalize("ceo@example.com"), Addresses.normalize(" CEO@example.com"));
        assertEquals("", Addresses.normalize(null));
    }
}
