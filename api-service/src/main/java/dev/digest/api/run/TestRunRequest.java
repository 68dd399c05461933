package dev.digest.api.run;

import dev.digest.api.web.Address;

/** Where to send a test run of a digest. */
public record TestRunRequest(@Address String to) {
}
