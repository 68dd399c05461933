package dev.digest.worker.mail;

import io.vertx.ext.mail.SMTPException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * An email the SMTP server did not take, sorted by what to do about it: {@link Refused} (a
 * permanent 5xx) fails that one recipient; {@link Unavailable} (a 4xx, a refused or dropped
 * connection, a timeout, sending paused) is an outage to wait out.
 */
public abstract sealed class SmtpFailure extends RuntimeException {

    private SmtpFailure(String message, Throwable cause) {
        super(message, cause, false, false);
    }

    /** The failure, sorted (one already sorted is returned as it is). */
    public static SmtpFailure of(Throwable failure) {
        if (failure instanceof SmtpFailure sorted) {
            return sorted;
        }
        if (failure instanceof SMTPException smtp && smtp.isPermanent()) {
            return new Refused(smtp.getReplyCode() + " " + smtp.getReplyMessage(), failure);
        }
        if (failure instanceof CircuitBreakerOpenException) {
            return new Unavailable("sending paused after repeated SMTP failures", failure);
        }
        return new Unavailable(failure.getMessage() == null ? failure.toString() : failure.getMessage(), failure);
    }

    /** The server refused this recipient for good. */
    public static final class Refused extends SmtpFailure {
        Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The server could not take the email now; it counts towards pausing all sending. */
    public static final class Unavailable extends SmtpFailure {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
