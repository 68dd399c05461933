package dev.digest.api.dashboard;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

@QuarkusTest
class DashboardResourceTest {

    private static ValidatableResponse page(String path) {
        return given().accept("text/html").get(path).then().statusCode(200)
                .contentType(startsWith("text/html"))
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                .header("Content-Security-Policy", not(containsString("'unsafe-eval'")))
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/dashboard", "/dashboard/sign-in", "/dashboard/digests", "/dashboard/runs",
            "/dashboard/dead-letters", "/dashboard/workers"})
    void everyPageIsServedWithoutAKeyAndWithItsSecurityHeaders(String path) {
        page(path).body(containsString("<script type=\"module\" src=\"/dashboard/assets/"))
                .body(containsString("id=\"status\""));
    }

    @Test
    void aRunPageIsAShellThatItsScriptFillsWhateverTheId() {
        String id = UUID.randomUUID().toString();
        page("/dashboard/runs/" + id)
                .header("Content-Security-Policy", containsString("style-src 'self';"))
                .body(containsString("data-run-id=\"" + id + "\""))
                .body(containsString("Run not found"));
    }

    @Test
    void anIdIsEscapedIntoThePage() {
        given().accept("text/html").get("/dashboard/runs/{id}", "\"><script>alert(1)</script>").then().statusCode(200)
                .body(not(containsString("<script>alert(1)")))
                .body(containsString("&quot;&gt;&lt;script&gt;"));
    }

    @Test
    void theDigestPageLetsTheEmailPreviewKeepItsInlineStylesButNoScript() {
        page("/dashboard/digests/" + UUID.randomUUID())
                .header("Content-Security-Policy", containsString("style-src 'self' 'unsafe-inline'"))
                .header("Content-Security-Policy", containsString("script-src 'self';"))
                .body(containsString("<iframe id=\"preview-frame\""))
                .body(containsString(" sandbox "));
    }

    @Test
    void theScriptsAndStylesAreServed() {
        given().get("/dashboard/assets/console.js").then().statusCode(200)
                .contentType(containsString("javascript"))
                .header("X-Content-Type-Options", "nosniff")
                .header("Cache-Control", containsString("no-cache"));
        given().get("/dashboard/assets/live.js").then().statusCode(200)
                .contentType(containsString("javascript"));
        given().get("/dashboard/assets/console.css").then().statusCode(200)
                .contentType(startsWith("text/css"));
    }
}
