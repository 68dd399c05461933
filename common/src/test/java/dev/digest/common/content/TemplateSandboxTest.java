package dev.digest.common.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quarkus.qute.Variant;
import io.quarkus.qute.TemplateException;
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
}
