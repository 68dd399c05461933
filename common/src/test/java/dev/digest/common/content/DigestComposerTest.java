package dev.digest.common.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.digest.common.digest.EmptyWindowPolicy;
import io.quarkus.qute.TemplateException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DigestComposerTest {

    // These tests are about content, not the render time budget: a loaded machine's slow first
    // render (class loading, JIT) must not fail them. The budget has tests of its own.
    private static DigestComposer composer(int maxEventsPerType) {
        TemplateLimits d = TemplateLimits.DEFAULTS;
        return new DigestComposer(maxEventsPerType, new TemplateLimits(d.maxDepth(), d.maxExpressionParts(),
                d.maxLoopIterations(), d.maxLoopNodes(), d.maxSubjectChars(), d.maxPartChars(), d.maxLineChars(),
                java.time.Duration.ofSeconds(30)));
    }


    private static final Instant START = Instant.parse("2026-03-01T08:00:00Z");
    private static final Window WINDOW = new Window(START, START.plusSeconds(3600));
    private static final String GROUPS_HTML = """
            {#for group in groups}<h2>{group.name} ({group.count})</h2><ul>{#for e in group.events}<li>{e.line}</li>{/for}</ul>{#if group.more > 0}<p>and {group.more} more</p>{/if}{/for}""";
    private static final String GROUPS_TEXT = """
            {#for group in groups}{group.name}: {group.count}
            {#for e in group.events}- {e.line}
            {/for}{#if group.more > 0}and {group.more} more
            {/if}{/for}""";

    @Test
    void listsAtMostTheCapPerTypeThenCountsTheRest() {
        List<WindowEvent> orders = events("order", 7, i -> Map.of("number", i));
        DigestComposer.Prepared prepared = composer(3).prepare(digest(GROUPS_HTML, GROUPS_TEXT), WINDOW,
                List.of(new EventGroup("order", "Orders", "Order #{payload.number}", 7, orders)));

        RenderedEmail email = prepared.render("a@example.com", "https://x/unsubscribe/t");

        assertEquals(7, prepared.eventCount());
        assertEquals("Orders: 7\n- Order #0\n- Order #1\n- Order #2\nand 4 more\n", email.text());
        assertTrue(email.html().contains("<li>Order #2</li></ul><p>and 4 more</p>"), email.html());
        assertFalse(email.html().contains("Order #3"));
    }

    @Test
    void anEventItsLineCannotRenderIsLeftOutCountedAndReplacedByTheNext() {
        List<WindowEvent> orders = new ArrayList<>(events("order", 4, i -> Map.of("number", i)));
        WindowEvent broken = new WindowEvent(UUID.randomUUID(), "order", Map.of("unexpected", true), START, START);
        orders.add(1, broken);
        DigestComposer.Prepared prepared = composer(3).prepare(digest(GROUPS_HTML, GROUPS_TEXT), WINDOW,
                List.of(new EventGroup("order", "Orders", "Order #{payload.number}", 5, orders)));

        RenderedEmail email = prepared.render("a@example.com", "u");

        assertEquals(4, prepared.eventCount());
        assertEquals(1, prepared.badEvents().size());
        assertEquals(broken.id(), prepared.badEvents().get(0).eventId());
        assertTrue(prepared.badEvents().get(0).error().contains("number"), prepared.badEvents().get(0).error());
        assertEquals("Orders: 4\n- Order #0\n- Order #1\n- Order #2\nand 1 more\n", email.text());
    }

    @Test
    void payloadValuesAreEscapedInHtmlButNotInText() {
        WindowEvent hostile = new WindowEvent(UUID.randomUUID(), "note",
                Map.of("title", "<script>alert('x')</script> & <b>bold</b>"), START, START);
        DigestSnapshot digest = digest("{#for e in events}<p>{e.line}</p><i>{e.payload.title}</i>{/for}",
                "{#for e in events}{e.line}{/for}");
        RenderedEmail email = composer(5).prepare(digest, WINDOW,
                List.of(new EventGroup("note", "Notes", "{payload.title}", 1, List.of(hostile)))).render("a@b.c", "u");

        String escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;";
        assertEquals("<p>" + escaped + "</p><i>" + escaped + "</i>", email.html());
        assertFalse(email.html().contains("<script>"));
        assertEquals("<script>alert('x')</script> & <b>bold</b>", email.text());
    }

    @Test
    void withoutALineTemplateALineIsThePayloadAsJson() {
        WindowEvent event = new WindowEvent(UUID.randomUUID(), "ping", Map.of("host", "db-1"), START, START);
        RenderedEmail email = composer(5).prepare(digest("-", "{#for e in events}{e.line}{/for}"), WINDOW,
                List.of(new EventGroup("ping", "Pings", null, 1, List.of(event)))).render("a@b.c", "u");
        assertEquals("{\"host\":\"db-1\"}", email.text());
    }

    @Test
    void anEmptyWindowRendersTheTemplatesNothingHappenedBranch() {
        DigestComposer.Prepared prepared = composer(5).prepare(
                digest("-", "{#if empty}Nothing happened between {window.start} and {window.end}.{#else}{eventCount}{/if}"),
                WINDOW, List.of());
        assertEquals(0, prepared.eventCount());
        assertEquals("Nothing happened between 2026-03-01T08:00:00Z and 2026-03-01T09:00:00Z.",
                prepared.render("a@b.c", "u").text());
    }

    @Test
    void subjectIsOneLineAndSeesRecipientAndUnsubscribeUrl() {
        DigestSnapshot digest = new DigestSnapshot(UUID.randomUUID(), UUID.randomUUID(), "Ops", null, List.of(),
                List.of("a@b.c"), EmptyWindowPolicy.SEND, "{digest.name}\r\nBcc: evil@x {recipient}", "<a href=\"{unsubscribeUrl}\">x</a>",
                "{unsubscribeUrl}");
        RenderedEmail email = composer(5).prepare(digest, WINDOW, List.of())
                .render("a@b.c", "https://d.example/unsubscribe/abc?x=1&y=2");
        assertEquals("Ops Bcc: evil@x a@b.c", email.subject());
        assertEquals("<a href=\"https://d.example/unsubscribe/abc?x=1&amp;y=2\">x</a>", email.html());
        assertEquals("https://d.example/unsubscribe/abc?x=1&y=2", email.text());
    }

    @Test
    void aMissingValueInTheEmailTemplateIsATemplateError() {
        DigestComposer.Prepared prepared = composer(5).prepare(digest("{digest.owner}", "-"), WINDOW, List.of());
        assertThrows(TemplateException.class, () -> prepared.render("a@b.c", "u"));
    }

    private static final String BOMB = "{#for e in events}{#for a in e.payload.l}{#for b in e.payload.l}"
            + "{#for c in e.payload.l}x{/for}{/for}{/for}{/for}";

    private static List<EventGroup> listOf250() {
        Map<String, Object> payload = Map.of("l", java.util.Collections.nCopies(250, 1));
        return List.of(new EventGroup("order", "Orders", "-",  1,
                List.of(new WindowEvent(UUID.randomUUID(), "order", payload, START, START))));
    }

    @Test
    void aLoopBombInTheEmailTemplateFailsItsAsyncRenderWithALimitError() {
        DigestComposer composer = composer(5);
        Throwable failure = assertThrows(TemplateLimitException.class, () -> composer
                .prepareAsync(digest(BOMB, "-"), WINDOW, listOf250())
                .chain(prepared -> composer.renderAsync(prepared, "a@b.c", "u"))
                .await().atMost(java.time.Duration.ofSeconds(10)));
        assertTrue(failure.getMessage().contains("loops ran more than"), failure.getMessage());
    }

    @Test
    void aLoopBombInALineTemplateCostsOnlyItsEvent() {
        List<EventGroup> groups = listOf250();
        EventGroup group = groups.get(0);
        String line = BOMB.replace("events", "[payload]").replace("e.payload.l", "payload.l")
                .replace("{#for e in [payload]}", "").replace("x{/for}{/for}{/for}{/for}", "x{/for}{/for}{/for}");
        DigestComposer.Prepared prepared = composer(5).prepareAsync(digest(GROUPS_HTML, GROUPS_TEXT), WINDOW,
                List.of(new EventGroup(group.type(), group.name(), line, 1, group.first())))
                .await().atMost(java.time.Duration.ofSeconds(10));
        assertEquals(1, prepared.badEvents().size());
        assertTrue(prepared.badEvents().get(0).error().startsWith("loops ran more than"), prepared.badEvents().get(0).error());
    }

    @Test
    void templatesSeeTheDigestsTimeZoneAndTheEmailCarriesTheSender() {
        Sender sender = new Sender("Shop", "news@shop.example", "help@shop.example");
        DigestSnapshot digest = new DigestSnapshot(UUID.randomUUID(), UUID.randomUUID(), "Shop", null, List.of(),
                List.of("a@b.c"), EmptyWindowPolicy.SEND, "s", "-", "until {window.end.date} ({digest.timeZone})",
                java.time.ZoneId.of("Europe/Paris"), sender);
        RenderedEmail email = composer(5).prepare(digest, WINDOW, List.of()).render("a@b.c", "u");
        assertEquals("until 1 Mar 2026, 10:00 CET (Europe/Paris)", email.text());
        assertEquals(sender, email.sender());
    }

    static DigestSnapshot digest(String html, String text) {
        return new DigestSnapshot(UUID.randomUUID(), UUID.randomUUID(), "Shop", null, List.of(), List.of("a@b.c"),
                EmptyWindowPolicy.SEND, "{digest.name}: {eventCount}", html, text);
    }

    private static List<WindowEvent> events(String type, int count, java.util.function.IntFunction<Map<String, Object>> payload) {
        List<WindowEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(new WindowEvent(UUID.randomUUID(), type, payload.apply(i), START.plusSeconds(i), START.plusSeconds(i)));
        }
        return events;
    }
}
