package dev.digest.common.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Exposes {@code DATABASE_URL} and {@code REDIS_URL} from the environment as Quarkus properties.
 *
 * <p>Its ordinal (275) sits between environment variables (300) and application.properties
 * (250): the URLs override the local defaults, and a specific variable such as
 * {@code QUARKUS_DATASOURCE_PASSWORD} still overrides the URL.
 */
public class ConnectionUrlConfigSource implements ConfigSource {

    private final Map<String, String> properties;

    public ConnectionUrlConfigSource() {
        this(System.getenv());
    }

    ConnectionUrlConfigSource(Map<String, String> environment) {
        Map<String, String> values = new HashMap<>();
        String databaseUrl = environment.get("DATABASE_URL");
        if (databaseUrl != null && !databaseUrl.isBlank()) {
            values.putAll(ConnectionUrls.fromDatabaseUrl(databaseUrl));
        }
        String redisUrl = environment.get("REDIS_URL");
        if (redisUrl != null && !redisUrl.isBlank()) {
            values.putAll(ConnectionUrls.fromRedisUrl(redisUrl));
        }
        this.properties = Map.copyOf(values);
    }

    @Override
    public Map<String, String> getProperties() {
        return properties;
    }

    @Override
    public Set<String> getPropertyNames() {
        return properties.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return properties.get(propertyName);
    }

    @Override
    public String getName() {
        return "digest-connection-urls";
    }

    @Override
    public int getOrdinal() {
        return 275;
    }
}
