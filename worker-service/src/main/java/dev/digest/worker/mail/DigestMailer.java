package dev.digest.worker.mail;

import dev.digest.worker.config.WorkerConfig;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;

/** Sends one digest email over SMTP, with a Message-ID derived from (run, recipient). */
@ApplicationScoped
public class DigestMailer {

    private final ReactiveMailer mailer;
    private final String domain;

    public DigestMailer(ReactiveMailer mailer, WorkerConfig config) {
        this.mailer = mailer;
        this.domain = config.messageIdDomain();
    }

    /**
     * The same run and recipient always give the same id, so a message sent again after a
     * crash can be recognised and dropped by the receiving side.
     */
    public String messageId(UUID runId, String recipient) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(recipient.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return "<" + runId + "." + HexFormat.of().formatHex(hash, 0, 8) + "@" + domain + ">";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    public Uni<Void> send(String recipient, RenderedEmail email, String messageId) {
        Mail mail = Mail.withHtml(recipient, email.subject(), email.html())
                .setText(email.text())
                .addHeader("Message-ID", messageId);
        return mailer.send(mail);
    }
}
