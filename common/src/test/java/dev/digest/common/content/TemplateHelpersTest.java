package dev.digest.common.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.qute.TemplateException;
import io.quarkus.qute.Variant;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The formatting helpers a template may call. */
class TemplateHelpersTest {

    private static final Variant TEXT = Variant.forContentType(Variant.TEXT_PLAIN);
    private static final Map<String, Object> DATA = Map.of("at", "2026-12-08T08:00:00Z", "day", "2026-12-08",
            "n", 1234567.891, "one", 1, "three", 3, "name", "Ann Example", "empty", "",
            "payload", Map.of("date", "payload's own", "total", "12.5"));

    private static String render(String template) {
        TemplateSandbox.RenderContext context = TemplateSandbox.RenderContext.start(TemplateLimits.DEFAULTS,
                ZoneId.of("Europe/Paris"));
        return TemplateSandbox.render(TemplateSandbox.parse(template, TEXT), DATA, context, 10_000);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "{at.date}|8 Dec 2026, 09:00 CET",
            "{at.date('d MMM yyyy, HH:mm z', 'America/New_York')}|8 Dec 2026, 03:00 EST",
            "{at.date('EEEE d MMMM', 'Europe/Berlin', 'de')}|Dienstag 8 Dezember",
            "{at.date('yyyy-MM-dd HH:mm')}|2026-12-08 09:00",
            "{day.date('d MMM yyyy', 'UTC')}|8 Dec 2026",
            "{n.number}|1,234,567.891",
            "{n.number('de-DE')}|1.234.567,891",
            "{payload.total.currency('EUR', 'en-IE')}|€12.50",
            "{payload.total.currency('USD')}|$12.50",
            "{name.truncate(5)}|Ann …",
            "{name.truncate(50)}|Ann Example",
            "{one.plural('event')}|1 event",
            "{three.plural('event')}|3 events",
            "{three.plural('person', 'people')}|3 people",
            "{payload.missing.default('none')}|none",
            "{empty.default('none')}|none",
            "{name.default('none')}|Ann Example",
            "{payload.date}|payload's own",
    })
    void formats(String template, String expected) {
        assertEquals(expected, render(template));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "{name.date}|'Ann Example' is not an ISO-8601 instant or date",
            "{at.date('yyyy', 'Mars/Base')}|date():",
            "{name.number}|'Ann Example' is not a number",
            "{n.currency('XYZ')}|currency():",
            "{name.truncate('x')}|'x' is not a number",
            "{payload.missing.date}|there is no value to format",
    })
    void refusesWhatItCannotFormat(String template, String expected) {
        TemplateException e = assertThrows(TemplateException.class, () -> render(template));
        String message = TemplateMessages.describe(e);
        assertTrue(message.contains(expected), message);
        assertFalse(message.contains("java."), message);
    }

    @Test
    void otherMethodsStayRefused() {
        assertThrows(TemplateException.class, () -> TemplateSandbox.parse("{at.format('x')}", TEXT));
    }
}
