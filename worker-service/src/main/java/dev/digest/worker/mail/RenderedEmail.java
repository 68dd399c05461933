package dev.digest.worker.mail;

/** One recipient's email, ready to send. */
public record RenderedEmail(String subject, String html, String text) {
}
