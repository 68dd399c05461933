package dev.digest.api.web;

/** One rejected field of a request: its JSON path and why. */
public record Violation(String field, String message) {
}
