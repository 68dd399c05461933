package dev.digest.common.content;

/** One recipient's email: subject, HTML part and text part. */
public record RenderedEmail(String subject, String html, String text) {
}
