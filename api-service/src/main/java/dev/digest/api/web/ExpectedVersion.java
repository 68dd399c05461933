package dev.digest.api.web;

/**
 * The version a client last saw, from {@code If-Match} or from the body's {@code version}.
 *
 * <p>A mismatch is 412 when the client used {@code If-Match} (HTTP's own precondition) and
 * 409 when it sent the version in the body. An update that states neither is refused with
 * 428: without it a concurrent edit would be silently overwritten.
 */
public record ExpectedVersion(long value, boolean fromHeader) {

    public static ExpectedVersion of(String ifMatch, Long bodyVersion) {
        if (ifMatch != null && !ifMatch.isBlank()) {
            return new ExpectedVersion(parseEtag(ifMatch.trim()), true);
        }
        if (bodyVersion != null) {
            return new ExpectedVersion(bodyVersion, false);
        }
        throw new ProblemException(ProblemType.PRECONDITION_REQUIRED,
                "Send the version you are changing, as If-Match: \"<version>\" or as \"version\" in the body");
    }

    /** Refuses the change when the stored version is not the one the client saw. */
    public void check(long current) {
        if (current == value) {
            return;
        }
        String detail = "The resource is at version " + current + ", not " + value + "; reload it and try again";
        throw new ProblemException(fromHeader ? ProblemType.PRECONDITION_FAILED : ProblemType.VERSION_CONFLICT, detail);
    }

    public static String etag(long version) {
        return "\"" + version + "\"";
    }

    private static long parseEtag(String value) {
        String tag = value.startsWith("W/") ? value.substring(2) : value;
        if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
            tag = tag.substring(1, tag.length() - 1);
        }
        try {
            return Long.parseLong(tag);
        } catch (NumberFormatException e) {
            throw new ProblemException(ProblemType.PRECONDITION_FAILED, "If-Match does not name a version of this resource");
        }
    }
}
