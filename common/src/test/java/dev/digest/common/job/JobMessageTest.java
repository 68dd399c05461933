package dev.digest.common.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobMessageTest {

    @Test
    void streamFieldsRoundTrip() {
        JobMessage message = new JobMessage(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), 3,
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        assertEquals(message, JobMessage.fromFields(message.toFields()));
    }

    @Test
    void aMessageWithoutRunIdIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> JobMessage.fromFields(Map.of("attempt", "1")));
    }
}
