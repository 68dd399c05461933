package dev.digest.api.suppression;

import jakarta.validation.constraints.Size;

/** Why an address is suppressed (optional, for people reading the list). */
public record SuppressionRequest(@Size(max = 500) String reason) {
}
