package dev.digest.common.content;

/**
 * Who an application's digests come from: a From name and address and a Reply-To, each
 * optional; what is missing falls back to the worker's configured sender. The api checks them
 * (address syntax, no line breaks) before they are stored.
 */
public record Sender(String name, String address, String replyTo) {

    /** No sender of the application's own: the worker's configured one is used. */
    public static final Sender DEFAULT = new Sender(null, null, null);
}
