package dev.digest.api.web;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One rejected field of a request: its JSON path and why. */
@RegisterForReflection(registerFullHierarchy = true)
public record Violation(String field, String message) {
}
