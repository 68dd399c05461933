package dev.digest.api.openapi;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/** The OpenAPI document is complete enough to generate clients from and to authorize in Swagger UI. */
@QuarkusTest
class ApiDocumentationTest {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");

    private static JsonNode document() throws Exception {
        String json = given().get("/q/openapi?format=json").then().statusCode(200).extract().asString();
        return new ObjectMapper().readTree(json);
    }

    private static void eachOperation(JsonNode document, BiConsumer<String, JsonNode> check) {
        document.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(method -> {
            if (METHODS.contains(method.getKey())) {
                check.accept(method.getKey().toUpperCase() + " " + path.getKey(), method.getValue());
            }
        }));
    }

    @Test
    void apiKeysAreABearerSchemeThatSecuredOperationsRequire() throws Exception {
        JsonNode document = document();
        JsonNode scheme = document.at("/components/securitySchemes/apiKey");
        assertEquals("http", scheme.path("type").asText());
        assertEquals("bearer", scheme.path("scheme").asText());

        JsonNode create = document.at("/paths/~1api~1v1~1digests/post/security");
        assertTrue(create.isArray() && create.findValue("apiKey") != null, "POST /digests requires the key: " + create);
        JsonNode unsubscribe = document.at("/paths/~1unsubscribe~1{token}/post/security");
        assertTrue(unsubscribe.isMissingNode() || unsubscribe.isEmpty() || unsubscribe.findValue("apiKey") == null,
                "unsubscribe links need no key: " + unsubscribe);
    }

    @Test
    void everyOperationHasATagAndASummary() throws Exception {
        List<String> missing = new ArrayList<>();
        eachOperation(document(), (name, operation) -> {
            if (!operation.path("tags").isArray() || operation.path("tags").isEmpty()) {
                missing.add(name + " has no tag");
            }
            if (operation.path("summary").asText().isBlank()) {
                missing.add(name + " has no summary");
            }
        });
        assertEquals(List.of(), missing);
    }

    @Test
    void successResponsesAreTheStatusesTheApiAnswers() throws Exception {
        JsonNode document = document();
        Map<String, String> expected = Map.of(
                "/paths/~1api~1v1~1digests/post/responses", "201",
                "/paths/~1api~1v1~1digests~1{id}~1runs/post/responses", "202",
                "/paths/~1api~1v1~1digests~1{id}/delete/responses", "204",
                "/paths/~1api~1v1~1applications/post/responses", "201",
                "/paths/~1api~1v1~1runs~1{id}~1retry/post/responses", "202");
        expected.forEach((pointer, status) -> {
            JsonNode responses = document.at(pointer);
            assertTrue(responses.has(status), pointer + " documents " + status + ": " + responses);
            assertFalse(responses.has("200"), pointer + " documents no 200: " + responses);
        });
        JsonNode created = document.at("/paths/~1api~1v1~1digests/post/responses/201/content/application~1json/schema/$ref");
        assertTrue(created.asText().endsWith("/DigestResponse"), created.toString());
    }

    @Test
    void everyErrorResponseIsAProblemDocument() throws Exception {
        JsonNode document = document();
        JsonNode problem = document.at("/components/schemas/Problem/properties");
        for (String field : List.of("type", "title", "status", "detail", "violations")) {
            assertTrue(problem.has(field), "the Problem schema has " + field + ": " + problem);
        }
        List<String> wrong = new ArrayList<>();
        eachOperation(document, (name, operation) -> {
            JsonNode responses = operation.path("responses");
            for (String status : List.of("400", "429", "500")) {
                if (!responses.has(status)) {
                    wrong.add(name + " does not document " + status);
                }
            }
            responses.fields().forEachRemaining(response -> {
                if (response.getKey().startsWith("4") || response.getKey().startsWith("5")) {
                    String ref = response.getValue().at("/content/application~1problem+json/schema/$ref").asText();
                    if (!ref.equals("#/components/schemas/Problem")) {
                        wrong.add(name + " " + response.getKey() + " is not a problem: " + response.getValue());
                    }
                }
            });
        });
        assertEquals(List.of(), wrong);
        JsonNode update = document.at("/paths/~1api~1v1~1digests~1{id}/put/responses");
        for (String status : List.of("401", "403", "404", "409", "412", "422", "428")) {
            assertTrue(update.has(status), "PUT /digests/{id} documents " + status);
        }
    }

    @Test
    void swaggerUiIsOffUnlessTurnedOn() {
        given().get("/q/swagger-ui/").then().statusCode(404);
    }
}
