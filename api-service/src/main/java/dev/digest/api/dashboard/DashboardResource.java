package dev.digest.api.dashboard;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The operations console's pages. Each page is a shell without data: its script reads the JSON
 * API with the key the person signed in with, so the pages themselves need no key and every
 * tenant rule stays in the API.
 */
@Path("/dashboard")
@PermitAll
@Produces(MediaType.TEXT_HTML)
public class DashboardResource {

    @CheckedTemplate(basePath = "dashboard", defaultName = CheckedTemplate.HYPHENATED_ELEMENT_NAME)
    static class Pages {
        static native TemplateInstance overview();

        static native TemplateInstance signIn();

        static native TemplateInstance digests();

        static native TemplateInstance digest(String digestId);

        static native TemplateInstance runs();

        static native TemplateInstance run(String runId);

        static native TemplateInstance deadLetters();

        static native TemplateInstance workers();
    }

    @GET
    public Uni<Response> overview() {
        return page(Pages.overview());
    }

    @GET
    @Path("sign-in")
    public Uni<Response> signIn() {
        return page(Pages.signIn());
    }

    @GET
    @Path("digests")
    public Uni<Response> digests() {
        return page(Pages.digests());
    }

    /** The digest page shows the next email in a frame, whose inline styles the policy must allow. */
    @GET
    @Path("digests/{id}")
    public Uni<Response> digest(@PathParam("id") String id) {
        return Pages.digest(id).createUni().map(ConsoleHeaders::withEmailPreview);
    }

    @GET
    @Path("runs")
    public Uni<Response> runs() {
        return page(Pages.runs());
    }

    /** Any id gets the shell: whether the run exists, and is the caller's, is the API's answer to give. */
    @GET
    @Path("runs/{id}")
    public Uni<Response> run(@PathParam("id") String id) {
        return page(Pages.run(id));
    }

    @GET
    @Path("dead-letters")
    public Uni<Response> deadLetters() {
        return page(Pages.deadLetters());
    }

    @GET
    @Path("workers")
    public Uni<Response> workers() {
        return page(Pages.workers());
    }

    private static Uni<Response> page(TemplateInstance template) {
        return template.createUni().map(ConsoleHeaders::page);
    }
}
