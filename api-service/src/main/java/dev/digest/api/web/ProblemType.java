package dev.digest.api.web;

/** The stable problem types clients may branch on; each has a fixed title and status. */
public enum ProblemType {
    MALFORMED_REQUEST(400, "Malformed request"),
    INVALID_TOKEN(400, "Invalid token"),
    UNAUTHENTICATED(401, "Authentication required"),
    FORBIDDEN(403, "Forbidden"),
    NOT_FOUND(404, "Not found"),
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    NOT_ACCEPTABLE(406, "Not acceptable"),
    CONFLICT(409, "Conflict"),
    VERSION_CONFLICT(409, "Version conflict"),
    PAYLOAD_TOO_LARGE(413, "Payload too large"),
    PRECONDITION_FAILED(412, "Precondition failed"),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
    VALIDATION(422, "Validation failed"),
    PRECONDITION_REQUIRED(428, "Precondition required"),
    RATE_LIMITED(429, "Too many requests"),
    INTERNAL(500, "Internal error"),
    UNAVAILABLE(503, "Service unavailable");

    private final int status;
    private final String title;

    ProblemType(int status, String title) {
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** A URN rather than a URL: stable, and never mistaken for a page to fetch. */
    public String uri() {
        return "urn:digest:problem:" + name().toLowerCase().replace('_', '-');
    }
}
