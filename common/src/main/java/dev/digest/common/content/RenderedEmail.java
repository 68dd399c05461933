package dev.digest.common.content;

/** One recipient's email: subject, HTML part and text part, and who it is from. */
public record RenderedEmail(String subject, String html, String text, Sender sender) {

    public RenderedEmail {
        sender = sender == null ? Sender.DEFAULT : sender;
    }

    /** An email from the worker's configured sender. */
    public RenderedEmail(String subject, String html, String text) {
        this(subject, html, text, Sender.DEFAULT);
    }
}
