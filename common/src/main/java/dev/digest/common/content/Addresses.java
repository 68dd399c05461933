package dev.digest.common.content;

import java.util.Locale;

/**
 * The one form an e-mail address is compared in: surrounding white space dropped, lower-cased.
 * Unsubscribes, suppressions, a digest's duplicate-recipient check and the send-time skip all
 * use it, so an address matches in one place exactly when it matches in the others.
 */
public final class Addresses {

    private Addresses() {
    }

    public static String normalize(String address) {
        return address == null ? "" : address.strip().toLowerCase(Locale.ROOT);
    }
}
