package dev.digest.api.openapi;

import dev.digest.api.web.Problem;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * Documents the errors every operation can answer, all as {@code application/problem+json}
 * bodies of the {@code Problem} schema: 400 and 429 everywhere, 401 and 403 where a key is
 * needed, 404 under a path with ids, 422 where there is a body or query to validate, 500 and 503.
 * A resource method declares only the errors particular to it (409, 412, 428...), with a
 * description; this gives those their body too.
 */
public class ProblemResponses implements OASFilter {

    static final String PROBLEM_SCHEMA = "Problem";

    private static final Map<String, String> ALWAYS = Map.of(
            "400", "The request is malformed: not JSON, not UTF-8, or past a parser limit",
            "429", "Too many requests; retry after the Retry-After header's seconds",
            "500", "The server failed; nothing about why is disclosed",
            "503", "A dependency is unavailable; retry after the Retry-After header's seconds");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> item.getOperations()
                .forEach((method, operation) -> document(path, method, operation)));
    }

    private static void document(String path, PathItem.HttpMethod method, Operation operation) {
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        APIResponses responses = operation.getResponses();
        ALWAYS.forEach((status, description) -> describe(responses, status, description));
        boolean secured = operation.getSecurity() != null && !operation.getSecurity().isEmpty();
        if (secured) {
            // Quarkus adds these two for @RolesAllowed with generic descriptions; ours say when.
            describe(responses, "401", "No API key, or an unknown or revoked one");
            describe(responses, "403", "The key lacks the scope this operation needs");
        }
        if (path.contains("{")) {
            addIfMissing(responses, "404", "No such resource visible to this key");
        }
        boolean hasInput = operation.getRequestBody() != null
                || operation.getParameters() != null && !operation.getParameters().isEmpty();
        if (hasInput && method != PathItem.HttpMethod.DELETE) {
            addIfMissing(responses, "422", "A field or parameter is invalid; the violations name each");
        }
        responses.getAPIResponses().forEach((status, response) -> {
            if (isError(status) && response.getRef() == null && (response.getContent() == null
                    || response.getContent().getMediaTypes() == null || response.getContent().getMediaTypes().isEmpty())) {
                response.setContent(problemContent());
            }
        });
    }

    private static void describe(APIResponses responses, String status, String description) {
        addIfMissing(responses, status, description);
        responses.getAPIResponse(status).setDescription(description);
    }

    private static void addIfMissing(APIResponses responses, String status, String description) {
        if (!responses.hasAPIResponse(status)) {
            APIResponse response = OASFactory.createAPIResponse().description(description);
            responses.addAPIResponse(status, response);
        }
    }

    private static boolean isError(String status) {
        return status.startsWith("4") || status.startsWith("5");
    }

    private static Content problemContent() {
        return OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, OASFactory.createMediaType()
                .schema(OASFactory.createSchema().ref(PROBLEM_SCHEMA)));
    }
}
