package dev.digest.worker.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import dev.digest.common.content.RenderedEmail;
import dev.digest.common.content.Sender;
import dev.digest.worker.support.ScriptedSmtp;
import dev.digest.worker.support.TestSmtp;
import dev.digest.worker.support.TimersOff;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Sending one email over real SMTP: GreenMail where it is taken, a scripted server where it is refused. */
@QuarkusTest
@TestProfile(DigestMailerTest.NoPooledConnections.class)
class DigestMailerTest {

    /**
     * The tests put different servers on one port in turn; a connection the client kept open to
     * the previous one would be reused against a server that is gone, and hang.
     */
    public static class NoPooledConnections extends TimersOff {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
            overrides.put("quarkus.mailer.keep-alive", "false");
            // A stream of its own: the worker this test starts must not pick up jobs other test
            // classes left in the shared test stream and send them to the scripted servers, where
            // they would hold the mail client's connections while the test's own send waits.
            String own = "digest:test:mailer:" + UUID.randomUUID();
            overrides.put("digest.queue.stream", own + ":jobs");
            overrides.put("digest.queue.group", own + ":workers");
            overrides.put("digest.queue.dead-letter-stream", own + ":dead");
            return overrides;
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final RenderedEmail EMAIL = new RenderedEmail("Orders today", "<p>3 orders</p>", "3 orders", null);

    @Inject
    DigestMailer mailer;

    private void send(String to, RenderedEmail email) {
        mailer.send(to, email, mailer.messageId(UUID.randomUUID(), to), "https://example.com/unsubscribe/t0k3n")
                .await().atMost(TIMEOUT);
    }

    @Test
    void anEmailCarriesItsMessageIdAndOneClickUnsubscribeHeaders() throws Exception {
        GreenMail smtp = TestSmtp.server();
        smtp.start();
        try {
            UUID run = UUID.randomUUID();
            String messageId = mailer.messageId(run, "ann@example.com");
            mailer.send("ann@example.com", EMAIL, messageId, "https://example.com/unsubscribe/t0k3n").await().atMost(TIMEOUT);

            MimeMessage email = smtp.getReceivedMessages()[0];
            assertEquals(messageId, email.getMessageID());
            assertTrue(messageId.startsWith("<" + run + "."), messageId);
            assertEquals("<https://example.com/unsubscribe/t0k3n>", email.getHeader("List-Unsubscribe")[0]);
            assertEquals("List-Unsubscribe=One-Click", email.getHeader("List-Unsubscribe-Post")[0]);
            assertEquals("Orders today", email.getSubject());
            assertEquals("digest@localhost", email.getFrom()[0].toString());
            assertEquals("ann@example.com", email.getAllRecipients()[0].toString());
            assertNull(email.getHeader("Cc"), "no empty Cc header");
            assertNull(email.getHeader("Reply-To"));
        } finally {
            smtp.stop();
        }
    }

    @Test
    void anApplicationsSenderIsTheFromAndReplyTo() throws Exception {
        GreenMail smtp = TestSmtp.server();
        smtp.start();
        try {
            send("bob@example.com", new RenderedEmail("Hi", "<p>hi</p>", "hi",
                    new Sender("Shop", "shop@example.com", "help@example.com")));

            MimeMessage email = smtp.getReceivedMessages()[0];
            assertEquals("Shop <shop@example.com>", email.getFrom()[0].toString());
            assertEquals("help@example.com", email.getHeader("Reply-To")[0]);
        } finally {
            smtp.stop();
        }
    }

    @Test
    void theMessageIdDependsOnRunAndRecipientButNotOnTheRecipientsCase() {
        UUID run = UUID.randomUUID();
        assertEquals(mailer.messageId(run, "Ann@Example.com"), mailer.messageId(run, "ann@example.com"));
        assertNotEquals(mailer.messageId(run, "ann@example.com"), mailer.messageId(run, "bob@example.com"));
        assertNotEquals(mailer.messageId(run, "ann@example.com"), mailer.messageId(UUID.randomUUID(), "ann@example.com"));
    }

    @Test
    void aPermanentRefusalIsRefused() {
        try (ScriptedSmtp smtp = ScriptedSmtp.rejectingRecipients(TestSmtp.port(), "550 5.1.1 no such user")) {
            RuntimeException failure = assertThrows(RuntimeException.class, () -> send("gone@example.com", EMAIL));
            SmtpFailure.Refused refused = assertInstanceOf(SmtpFailure.Refused.class, failure);
            assertTrue(refused.getMessage().startsWith("550"), refused.getMessage());
        }
    }

    @Test
    void aTemporaryRefusalIsUnavailable() {
        try (ScriptedSmtp smtp = ScriptedSmtp.rejectingRecipients(TestSmtp.port(), "451 4.3.0 try again later")) {
            RuntimeException failure = assertThrows(RuntimeException.class, () -> send("later@example.com", EMAIL));
            assertInstanceOf(SmtpFailure.Unavailable.class, failure);
        }
    }

    @Test
    void noServerListeningIsUnavailable() {
        RuntimeException failure = assertThrows(RuntimeException.class, () -> send("nobody@example.com", EMAIL));
        assertInstanceOf(SmtpFailure.Unavailable.class, failure);
    }
}
