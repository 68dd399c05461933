package dev.digest.api.web;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.net.URI;

/**
 * Success responses: those that carry the resource's version as its ETag, for {@code If-Match}
 * on the next change, and 202 for work that was queued.
 *
 * <p>A body passed here reaches Jackson only through {@code Response.entity()}, which hides its
 * type from Quarkus: its record carries {@code @RegisterForReflection(registerFullHierarchy = true)}
 * so that a native image can serialise it and what it holds.
 */
public final class Responses {

    private Responses() {
    }

    public static Response created(String location, Object body, long version) {
        return Response.created(URI.create(location)).entity(body).header(HttpHeaders.ETAG, ExpectedVersion.etag(version)).build();
    }

    public static Response ok(Object body, long version) {
        return Response.ok(body).header(HttpHeaders.ETAG, ExpectedVersion.etag(version)).build();
    }

    /** 202: the work is queued; {@code location} is where to follow it. */
    public static Response accepted(String location, Object body) {
        return Response.accepted(body).location(URI.create(location)).build();
    }
}
