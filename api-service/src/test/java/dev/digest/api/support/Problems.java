package dev.digest.api.support;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;

/** Assertions on the API's one error shape. */
public final class Problems {

    private Problems() {
    }

    /** The response is {@code status} as {@code application/problem+json} of the given type. */
    public static ValidatableResponse assertProblem(Response response, int status, String type) {
        return response.then()
                .statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("type", equalTo("urn:digest:problem:" + type))
                .body("title", notNullValue())
                .body("detail", notNullValue());
    }

    /** A 422 validation problem that names {@code field} among its violations. */
    public static ValidatableResponse assertInvalidField(Response response, String field) {
        return assertProblem(response, 422, "validation").body("violations.field", hasItem(field));
    }
}
