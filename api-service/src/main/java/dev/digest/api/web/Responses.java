package dev.digest.api.web;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.net.URI;

/** Success responses that carry the resource's version as its ETag, for {@code If-Match} on the next change. */
public final class Responses {

    private Responses() {
    }

    public static Response created(String location, Object body, long version) {
        return Response.created(URI.create(location)).entity(body).header(HttpHeaders.ETAG, ExpectedVersion.etag(version)).build();
    }

    public static Response ok(Object body, long version) {
        return Response.ok(body).header(HttpHeaders.ETAG, ExpectedVersion.etag(version)).build();
    }
}
