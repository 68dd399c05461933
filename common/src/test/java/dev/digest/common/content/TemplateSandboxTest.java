package dev.digest.common.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.qute.Template;
import io.quarkus.qute.Variant;
import io.quarkus.qute.TemplateException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** What a user's template can and cannot reach. */
class TemplateSandboxTest {

    private static final Variant TEXT = Variant.forContentType(Variant.TEXT_PLAIN);

    @ParameterizedTest
    @ValueSource(strings = {
            "{#include base /}",
            "{#insert body}x{/insert}",
            "{#eval payload.code /}",
            "{config:quarkus.datasource.password}",
            "{inject:dataSource}",
            "{cdi:pool}",
            "{#if true}{config:digest.admin-key}{/if}",
            "{#for i in 2000000000}x{/for}",
            "{payload.getClass()}",
            "{payload.name.getBytes()}",
            "{payload.get(payload.getClass())}",
            "{#if payload.toString()}x{/if}",
    })
    void refusedWhenParsed(String template) {
        assertThrows(TemplateException.class, () -> TemplateSandbox.parse(template, Variant.forContentType(Variant.TEXT_HTML)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{payload.getClass}",
            "{payload.getClass.getName}",
            "{payload.name.bytes}",
            "{payload.name.raw}",
            "{payload.name.safe}",
            "{#for i in payload.count}x{/for}",
            "{payload.missing}",
            "{java.lang.System.getenv()}",
    })
    void refusedWhenRendered(String template) {
        Map<String, Object> data = Map.of("payload", Map.of("name", "<b>", "count", 2000000000));
        assertThrows(TemplateException.class, () -> TemplateSandbox.render(TemplateSandbox.parse(template, TEXT), data));
    }

    @Test
    void plainDataIsReachable() {
        Map<String, Object> data = Map.of("payload", Map.of("items", List.of(Map.of("sku", "A-1"), Map.of("sku", "B-2")),
                "total", 7));
        String out = TemplateSandbox.render(TemplateSandbox.parse("{#for i in payload.items}{i.sku}{#if i_hasNext},{/if}{/for} = {payload.total + 1}"
                + "{#if payload.total > 5} big{/if} {payload.items.size} {payload.missing ?: 'none'} {payload.get('total')}"
                + " {payload.items.take(1).size}", TEXT), data);
        assertEquals("A-1,B-2 = 8 big 2 none 7 1", out);
    }

    private static final String FOUR_LOOPS = "{#for e in events}{#for a in e.payload.l}{#for b in e.payload.l}"
            + "{#for c in e.payload.l}x{/for}{/for}{/for}{/for}";

    private static Map<String, Object> events(int listSize) {
        List<Object> numbers = new ArrayList<>(Collections.nCopies(listSize, 1));
        return Map.of("events", List.of(Map.of("payload", Map.of("l", numbers))));
    }

    @Test
    void nestedLoopsStopAtTheIterationBudget() {
        Template bomb = TemplateSandbox.parse(FOUR_LOOPS, TEXT);
        long start = System.nanoTime();
        TemplateLimitException e = assertThrows(TemplateLimitException.class, () -> TemplateSandbox.render(bomb, events(250)));
        assertTrue(e.getMessage().contains("loops ran more than 10000 times"), e.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 2000, "the bomb was stopped early");
    }

    @Test
    void smallNestedLoopsRender() {
        assertEquals(125, TemplateSandbox.render(TemplateSandbox.parse(FOUR_LOOPS, TEXT), events(5)).length());
    }

    @Test
    void aLargeLoopBodyIsChargedByItsSize() {
        String body = "{a}".repeat(500);
        Template template = TemplateSandbox.parse("{#for i in l}" + body + "{/for}", TEXT);
        Map<String, Object> data = Map.of("a", "x", "l", Collections.nCopies(1000, 1));
        TemplateLimitException e = assertThrows(TemplateLimitException.class, () -> TemplateSandbox.render(template, data));
        assertTrue(e.getMessage().contains("template nodes"), e.getMessage());
    }

    @Test
    void outputIsCappedPerPart() {
        TemplateLimits limits = new TemplateLimits(24, 64, 10_000, 200_000, 100, 1_000, 100, Duration.ofSeconds(2));
        Template template = TemplateSandbox.parse("{#for i in l}{big}{/for}", TEXT, limits);
        Map<String, Object> data = Map.of("big", "y".repeat(400), "l", Collections.nCopies(10, 1));
        TemplateSandbox.RenderContext context = TemplateSandbox.RenderContext.start(limits, ZoneOffset.UTC);
        TemplateLimitException e = assertThrows(TemplateLimitException.class,
                () -> TemplateSandbox.render(template, data, context, limits.maxPartChars()));
        assertEquals("the output is longer than 1000 characters", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{#if x}", "{#for x in y}", "{#let x=1}", "{#with x}"})
    void deepNestingIsRefusedBeforeParsingWithItsPosition(String open) {
        String name = open.substring(2, open.indexOf(' ') < 0 ? open.length() - 1 : open.indexOf(' '));
        String deep = (open + "\n").repeat(10_000) + ("{/" + name + "}").repeat(10_000);
        TemplateLimitException e = assertThrows(TemplateLimitException.class, () -> TemplateSandbox.parse(deep.replace("\\n", "\n"), TEXT));
        assertEquals(25, e.line());
        assertEquals(1, e.column());
        assertTrue(e.getMessage().contains("more than 24 levels"), e.getMessage());
    }

    @Test
    void nestingWithinTheLimitParses() {
        String ok = "{#if x}".repeat(24) + "y" + "{/if}".repeat(24) + "{#if x}a{#else}b{/if}{#let a=1 /}{! {#if !}";
        assertEquals("y" + "a", TemplateSandbox.render(TemplateSandbox.parse(ok, TEXT), Map.of("x", true)));
    }

    @Test
    void deepBracketsAreRefused() {
        String deep = "{a" + ".or(a".repeat(5000) + ")".repeat(5000) + "}";
        assertThrows(TemplateLimitException.class, () -> TemplateSandbox.parse(deep, TEXT));
    }

    @Test
    void longElvisChainsAreRefusedWhenParsed() {
        String chain = "{a" + " ?: a".repeat(20_000) + "}";
        TemplateLimitException e = assertThrows(TemplateLimitException.class, () -> TemplateSandbox.parse(chain, TEXT));
        assertTrue(e.getMessage().contains("more than 64 parts"), e.getMessage());
    }

    @Test
    void renderErrorsNameTheConstructNotJavaTypes() {
        TemplateException e = assertThrows(TemplateException.class, () -> TemplateSandbox.render(
                TemplateSandbox.parse("{payload.name.bytes}", TEXT), Map.of("payload", Map.of("name", "x"))));
        String message = TemplateMessages.describe(e);
        assertTrue(message.contains("payload.name.bytes"), message);
        assertFalse(message.matches("(?s).*(java\\.|Exception).*"), message);
    }
}
