package dev.digest.api.web;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.JsonMappingException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure into one {@code application/problem+json} shape. Client mistakes get
 * a 4xx naming what to fix; anything else is a 500 that says nothing of its cause, which is
 * logged instead.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    private final PersistenceProblems persistenceProblems;
    private final DatabaseOutage databaseOutage;

    public ProblemMappers(PersistenceProblems persistenceProblems, DatabaseOutage databaseOutage) {
        this.persistenceProblems = persistenceProblems;
        this.databaseOutage = databaseOutage;
    }

    public static Response respond(Problem problem) {
        Response.ResponseBuilder response = Response.status(problem.status()).entity(problem).type(Problem.MEDIA_TYPE);
        if (problem.status() == 401) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        return response.build();
    }

    public static Response respond(ProblemType type, String detail, List<Violation> violations) {
        return respond(new Problem(type.uri(), type.title(), type.status(), detail, violations));
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return respond(e.toProblem());
    }

    /** Not found is a domain answer; its detail is worded for the client where it is raised. */
    @ServerExceptionMapper
    public Response notFound(dev.digest.api.domain.NotFoundException e) {
        return respond(ProblemType.NOT_FOUND, e.getMessage(), List.of());
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e) {
        List<Violation> violations = e.getConstraintViolations().stream()
                .map(v -> new Violation(fieldOf(v), v.getMessage()))
                .sorted(Comparator.comparing(Violation::field).thenComparing(Violation::message))
                .distinct()
                .collect(Collectors.toList());
        return respond(ProblemType.VALIDATION, "The request has invalid fields", violations);
    }

    // Jackson's specific exceptions are named one by one: Quarkus ships mappers for some of
    // them, and the most specific mapper wins.
    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e) {
        return unreadableJson(e);
    }

    @ServerExceptionMapper
    public Response invalidJson(InvalidFormatException e) {
        return unreadableJson(e);
    }

    @ServerExceptionMapper
    public Response unparsableJson(JsonParseException e) {
        return unreadableJson(e);
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e) {
        // Truncated JSON inside a field is still truncated JSON, not a wrong value; a body past
        // the parser's limits (depth, string or number length) or with content after the
        // document is malformed as a whole.
        boolean truncated = String.valueOf(e.getOriginalMessage()).startsWith("Unexpected end-of-input");
        boolean malformed = truncated || causedBy(e, StreamConstraintsException.class)
                || String.valueOf(e.getOriginalMessage()).startsWith("Trailing token");
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty() && !malformed) {
            String field = jsonPath(mapping.getPath());
            return respond(ProblemType.VALIDATION, "A field has the wrong type or value",
                    List.of(new Violation(field, wrongValueMessage(mapping))));
        }
        return respond(ProblemType.MALFORMED_REQUEST, "The body is not well-formed JSON of the expected shape", List.of());
    }

    @ServerExceptionMapper
    public Response unmatched(NotFoundException e) {
        // JAX-RS reports a query parameter it could not convert as "not found"; ours say why.
        if (e.getCause() instanceof ProblemException problem) {
            return respond(problem.toProblem());
        }
        return respond(ProblemType.NOT_FOUND, "No such resource", List.of());
    }

    @ServerExceptionMapper
    public Response methodNotAllowed(NotAllowedException e) {
        Response problem = respond(ProblemType.METHOD_NOT_ALLOWED, "This resource does not support that method", List.of());
        String allow = e.getResponse().getHeaderString(HttpHeaders.ALLOW);
        return allow == null ? problem : Response.fromResponse(problem).header(HttpHeaders.ALLOW, allow).build();
    }

    @ServerExceptionMapper
    public Response unsupportedMediaType(NotSupportedException e) {
        return respond(ProblemType.UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json", List.of());
    }

    @ServerExceptionMapper
    public Response notAcceptable(NotAcceptableException e) {
        return respond(ProblemType.NOT_ACCEPTABLE, "This resource answers in application/json", List.of());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return unreadableJson(json);
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return internal(e);
        }
        ProblemType type = status == 413 ? ProblemType.PAYLOAD_TOO_LARGE : ProblemType.MALFORMED_REQUEST;
        return respond(new Problem(type.uri(), type.title(), status, "The request could not be processed", List.of()));
    }

    @ServerExceptionMapper
    public Response unavailable(DependencyUnavailableException e) {
        return Response.fromResponse(respond(ProblemType.UNAVAILABLE, e.getMessage(), List.of()))
                .header(HttpHeaders.RETRY_AFTER, DatabaseOutage.RETRY_AFTER.toSeconds()).build();
    }

    @ServerExceptionMapper
    public Response internal(Throwable e) {
        if (databaseOutage.recognise(e)) {
            return Response.fromResponse(respond(ProblemType.UNAVAILABLE,
                            "The database is unreachable; try again shortly", List.of()))
                    .header(HttpHeaders.RETRY_AFTER, DatabaseOutage.RETRY_AFTER.toSeconds()).build();
        }
        Problem mapped = persistenceProblems.toProblem(e);
        if (mapped != null) {
            return respond(mapped);
        }
        LOG.error("Unhandled failure", e);
        return respond(ProblemType.INTERNAL, "The server failed to handle the request; it has been logged", List.of());
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    /** Bean Validation paths look like {@code create.request.recipients[0]}; clients know {@code recipients[0]}. */
    private static String fieldOf(ConstraintViolation<?> violation) {
        StringBuilder field = new StringBuilder();
        for (Path.Node node : violation.getPropertyPath()) {
            if (node.getKind() == ElementKind.METHOD || node.getKind() == ElementKind.PARAMETER) {
                continue;
            }
            if (node.getName() != null && !node.getName().startsWith("<")) {
                field.append(field.length() == 0 ? "" : ".").append(node.getName());
            }
            if (node.getIndex() != null) {
                field.append('[').append(node.getIndex()).append(']');
            }
        }
        return field.length() == 0 ? "body" : field.toString();
    }

    private static String jsonPath(List<JsonMappingException.Reference> path) {
        StringBuilder field = new StringBuilder();
        for (JsonMappingException.Reference reference : path) {
            if (reference.getFieldName() != null) {
                field.append(field.length() == 0 ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                field.append('[').append(reference.getIndex()).append(']');
            }
        }
        return field.toString();
    }

    private static String wrongValueMessage(JsonMappingException e) {
        Throwable cause = e.getCause();
        if (cause instanceof IllegalArgumentException && cause.getMessage() != null
                && cause.getMessage().startsWith("must be one of")) {
            return cause.getMessage();
        }
        return "has the wrong type or value";
    }
}
