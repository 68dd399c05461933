package dev.digest.api.auth;

/**
 * The roles an identity holds: an application key's scopes ({@link Scope#wire()}), or
 * {@link #ADMIN} for the admin key. Constants so that {@code @RolesAllowed} cannot misspell one.
 */
public final class Roles {

    public static final String READ = "read";
    public static final String WRITE = "write";
    public static final String INGEST = "ingest";
    /** The admin key: manages applications and keys, and where allowed acts on every application. */
    public static final String ADMIN = "admin";

    private Roles() {
    }
}
