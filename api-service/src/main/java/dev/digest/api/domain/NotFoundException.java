package dev.digest.api.domain;

/**
 * What was asked for does not exist, or is not the caller's to see: the two are one answer, so
 * another tenant's row is exactly as invisible as a missing one. The web layer words it as a 404.
 */
public class NotFoundException extends RuntimeException {

    public NotFoundException(String detail) {
        super(detail, null, false, false);
    }

    /** "{@code what} not found", the usual wording for a row looked up by id. */
    public static NotFoundException of(String what) {
        return new NotFoundException(what + " not found");
    }
}
