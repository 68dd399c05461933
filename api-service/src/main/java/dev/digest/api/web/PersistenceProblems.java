package dev.digest.api.web;

import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.OptimisticLockException;
import java.util.List;
import java.util.Map;
import java.sql.SQLException;
import org.hibernate.StaleStateException;
import org.hibernate.exception.ConstraintViolationException;

/**
 * Recognises database refusals that a client caused (a duplicate name, deleting something
 * still in use, a stale version) and words them as problems without echoing SQL.
 */
@ApplicationScoped
public class PersistenceProblems {

    /** Unique constraints, by the request field that collided. */
    private static final Map<String, String> UNIQUE_FIELDS = Map.of(
            "digest_applications_slug_key", "slug",
            "digest_event_types_key_key", "key",
            "digest_email_templates_name_key", "name",
            "digest_templates_name_key", "name");

    /** Foreign keys that stop a delete, by what still uses the row. */
    private static final Map<String, String> IN_USE_BY = Map.of(
            "digest_digests_email_template_fkey", "digests",
            "digest_templates_email_template_fkey", "digest templates",
            "digest_webhook_events_type_fkey", "stored events");

    /** The problem for {@code failure}, or null when it is not one a client caused. */
    public Problem toProblem(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof StaleStateException || cause instanceof OptimisticLockException) {
                return problem(ProblemType.VERSION_CONFLICT,
                        "The resource was changed by another request; reload it and try again", List.of());
            }
            if (cause instanceof PgException pg) {
                return fromDatabase(pg.getSqlState(), pg.getConstraint());
            }
            if (cause instanceof ConstraintViolationException violation) {
                return fromDatabase(sqlState(violation), violation.getConstraintName());
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                return fromDatabase(sql.getSQLState(), null);
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return null;
    }

    /** Hibernate names the constraint but may keep the SQL state only on its cause. */
    private static String sqlState(ConstraintViolationException violation) {
        if (violation.getSQLState() != null) {
            return violation.getSQLState();
        }
        return switch (violation.getKind()) {
            case UNIQUE -> "23505";
            case FOREIGN_KEY -> "23503";
            case CHECK -> "23514";
            case NOT_NULL -> "23502";
            default -> "";
        };
    }

    private static Problem fromDatabase(String sqlState, String constraintName) {
        String constraint = constraintName == null ? "" : constraintName;
        return switch (sqlState == null ? "" : sqlState) {
            case "23505" -> {
                String field = UNIQUE_FIELDS.getOrDefault(constraint, "body");
                yield problem(ProblemType.CONFLICT, "Another resource already has this " + field,
                        List.of(new Violation(field, "is already taken")));
            }
            case "23503" -> IN_USE_BY.containsKey(constraint)
                    ? problem(ProblemType.CONFLICT, "The resource is still used by " + IN_USE_BY.get(constraint), List.of())
                    : problem(ProblemType.VALIDATION, "The request refers to something that does not exist", List.of());
            // 22P05 and 22021: text PostgreSQL cannot store (a NUL character), should one get past the JSON checks.
            case "23514", "22001", "22P02", "22023", "23502", "22P05", "22021" ->
                    problem(ProblemType.VALIDATION, "A value is outside what the resource accepts", List.of());
            default -> null;
        };
    }

    private static Problem problem(ProblemType type, String detail, List<Violation> violations) {
        return new Problem(type.uri(), type.title(), type.status(), detail, violations);
    }
}
