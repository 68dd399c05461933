package dev.digest.api.web;

/** A dependency (Redis) did not answer: the client should try again shortly (503 with Retry-After). */
public class DependencyUnavailableException extends RuntimeException {

    public DependencyUnavailableException(String detail, Throwable cause) {
        super(detail, cause);
    }
}
