package dev.digest.api.run;

import dev.digest.api.preview.TemplatePreviewRequest.SampleEvent;
import dev.digest.api.web.Address;
import jakarta.validation.Valid;
import java.util.List;

/**
 * Where to send a test run of a digest, and optionally sample events (of the application's
 * types, as a template preview takes them, and as many) to render instead of the digest's window.
 */
public record TestRunRequest(@Address String to, List<@Valid SampleEvent> events) {
}
