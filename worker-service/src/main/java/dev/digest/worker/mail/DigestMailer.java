package dev.digest.worker.mail;

import dev.digest.common.content.RenderedEmail;
import dev.digest.common.content.Sender;
import dev.digest.worker.config.WorkerConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.ext.mail.MailMessage;
import io.vertx.mutiny.ext.mail.MailClient;
import jakarta.enterprise.context.ApplicationScoped;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;

/**
 * Sends one digest email over SMTP, with a Message-ID derived from (run, recipient).
 *
 * <p>It builds the Vert.x message itself, on the client the Quarkus mailer configures
 * ({@code quarkus.mailer.*}), because the Quarkus {@code Mail} conversion always writes a
 * {@code Cc:} header, empty when there is no copy, which RFC 5322 does not allow.
 */
@ApplicationScoped
public class DigestMailer {

    private final MailClient client;
    private final String from;
    private final String domain;

    public DigestMailer(MailClient client, WorkerConfig config,
            @ConfigProperty(name = "quarkus.mailer.from") String from) {
        this.client = client;
        this.from = from;
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

    /**
     * Sends with one-click unsubscribe headers (RFC 8058) pointing at {@code unsubscribeUrl},
     * from the application's sender where it has one. Fails with a {@link SmtpFailure}. When
     * half of ten sends or more failed for want of the server, the circuit opens: sends fail at
     * once for 30 s (then one is tried), and the worker takes no jobs meanwhile.
     */
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = SmtpCircuit.DELAY_SECONDS * 1000,
            failOn = SmtpFailure.Unavailable.class)
    @CircuitBreakerName(SmtpCircuit.NAME)
    public Uni<Void> send(String recipient, RenderedEmail email, String messageId, String unsubscribeUrl) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("Message-ID", messageId)
                .add("List-Unsubscribe", "<" + unsubscribeUrl + ">")
                .add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        Sender sender = email.sender();
        if (sender.replyTo() != null) {
            headers.add("Reply-To", sender.replyTo());
        }
        MailMessage message = new MailMessage()
                .setFrom(from(sender))
                .setTo(List.of(recipient))
                .setSubject(email.subject())
                .setText(email.text())
                .setHtml(email.html())
                .setHeaders(headers);
        return client.sendMail(message).replaceWithVoid().onFailure().transform(SmtpFailure::of);
    }

    /**
     * The application's From, else the configured one. The api stored the name and address
     * only after checking them (no line breaks, quotes or brackets), so quoting is enough.
     */
    String from(Sender sender) {
        if (sender.address() == null) {
            return from;
        }
        return sender.name() == null ? sender.address() : "\"" + sender.name() + "\" <" + sender.address() + ">";
    }
}
