package dev.digest.api.web;

import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.ext.ParamConverter;
import jakarta.ws.rs.ext.ParamConverterProvider;
import jakarta.ws.rs.ext.Provider;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Function;

/**
 * Converts typed query parameters strictly, and refuses a bad one with a 422 naming it. Left to
 * JAX-RS, {@code ?limit=abc} would be a 404 (as if the resource were missing) and
 * {@code ?enabled=yes} would silently mean false.
 */
@Provider
public class QueryParameters implements ParamConverterProvider {

    @Override
    @SuppressWarnings("unchecked")
    public <T> ParamConverter<T> getConverter(Class<T> rawType, Type genericType, Annotation[] annotations) {
        String name = queryParamName(annotations);
        if (name == null) {
            return null;
        }
        if (rawType == Integer.class) {
            return (ParamConverter<T>) new Strict<>(name, "must be a whole number", Integer::valueOf);
        }
        if (rawType == UUID.class) {
            return (ParamConverter<T>) new Strict<>(name, "must be an id (a UUID)", QueryParameters::uuid);
        }
        if (rawType == Boolean.class) {
            return (ParamConverter<T>) new Strict<>(name, "must be true or false", QueryParameters::bool);
        }
        return null;
    }

    private static String queryParamName(Annotation[] annotations) {
        if (annotations == null) {
            return null;
        }
        for (Annotation annotation : annotations) {
            if (annotation instanceof QueryParam query) {
                return query.value();
            }
        }
        return null;
    }

    private static UUID uuid(String value) {
        // UUID.fromString accepts short forms such as "1-1-1-1-1"; an id is always 36 characters.
        if (value.length() != 36) {
            throw new IllegalArgumentException(value);
        }
        return UUID.fromString(value);
    }

    private static Boolean bool(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException(value);
        };
    }

    private record Strict<T>(String name, String message, Function<String, T> parse) implements ParamConverter<T> {

        @Override
        public T fromString(String value) {
            if (value == null) {
                return null;
            }
            try {
                return parse.apply(value.strip());
            } catch (RuntimeException e) {
                throw ProblemException.invalid(name, message);
            }
        }

        @Override
        public String toString(T value) {
            return String.valueOf(value);
        }
    }
}
