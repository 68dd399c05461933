package dev.digest.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectionUrlsTest {

    @Test
    void databaseUrlBecomesReactiveAndJdbcUrlsWithCredentials() {
        Map<String, String> properties =
                ConnectionUrls.fromDatabaseUrl("postgresql://digest:s%40cret@db.internal:6432/digest?sslmode=require");

        assertEquals("postgresql://db.internal:6432/digest?sslmode=require",
                properties.get("quarkus.datasource.reactive.url"));
        assertEquals("jdbc:postgresql://db.internal:6432/digest?sslmode=require",
                properties.get("quarkus.datasource.jdbc.url"));
        assertEquals("digest", properties.get("quarkus.datasource.username"));
        assertEquals("s@cret", properties.get("quarkus.datasource.password"));
    }

    @Test
    void herokuStyleSchemeAndMissingPasswordAreAccepted() {
        Map<String, String> properties = ConnectionUrls.fromDatabaseUrl("postgres://app@localhost/app");

        assertEquals("jdbc:postgresql://localhost/app", properties.get("quarkus.datasource.jdbc.url"));
        assertEquals("app", properties.get("quarkus.datasource.username"));
        assertFalse(properties.containsKey("quarkus.datasource.password"));
    }

    @Test
    void malformedDatabaseUrlIsRefusedWithoutEchoingIt() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ConnectionUrls.fromDatabaseUrl("postgresql://u:p@ss word@host/db"));
        assertFalse(error.getMessage().contains("p@ss"));
        assertThrows(IllegalArgumentException.class, () -> ConnectionUrls.fromDatabaseUrl("mysql://host/db"));
    }

    @Test
    void redisUrlBecomesTheHostList() {
        assertEquals("redis://cache:6380/2", ConnectionUrls.fromRedisUrl("redis://cache:6380/2").get("quarkus.redis.hosts"));
        assertThrows(IllegalArgumentException.class, () -> ConnectionUrls.fromRedisUrl("http://cache"));
    }

    @Test
    void configSourceReadsOnlyTheVariablesThatAreSet() {
        ConnectionUrlConfigSource empty = new ConnectionUrlConfigSource(Map.of());
        assertTrue(empty.getPropertyNames().isEmpty());

        ConnectionUrlConfigSource source = new ConnectionUrlConfigSource(
                Map.of("DATABASE_URL", "postgresql://u:p@h:1/d", "REDIS_URL", "redis://r:2"));
        assertEquals("postgresql://h:1/d", source.getValue("quarkus.datasource.reactive.url"));
        assertEquals("redis://r:2", source.getValue("quarkus.redis.hosts"));
        assertEquals(275, source.getOrdinal());
    }
}
