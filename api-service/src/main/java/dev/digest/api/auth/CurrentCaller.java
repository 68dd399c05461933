package dev.digest.api.auth;

import dev.digest.api.web.ProblemException;
import dev.digest.api.web.ProblemType;
import jakarta.enterprise.context.RequestScoped;
import java.util.UUID;

/** The caller of the current request, set by {@link ApiKeyAuthenticationFilter}. */
@RequestScoped
public class CurrentCaller {

    private Caller caller;

    void set(Caller caller) {
        this.caller = caller;
    }

    public Caller get() {
        if (caller == null) {
            throw new ProblemException(ProblemType.UNAUTHENTICATED, "No API key was presented");
        }
        return caller;
    }

    /**
     * The application whose rows this request may see; null for the admin key, which only
     * endpoints marked {@link Access#orAdmin()} let in, and which see every application then.
     */
    public UUID applicationId() {
        return get().applicationId();
    }
}
