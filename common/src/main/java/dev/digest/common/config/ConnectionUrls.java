package dev.digest.common.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns the old stack's connection URLs into Quarkus configuration properties.
 *
 * <p>{@code DATABASE_URL=postgresql://user:pass@host:port/db} becomes the reactive URL, the
 * JDBC URL (Flyway) and the credentials; {@code REDIS_URL} becomes the Redis host list.
 */
public final class ConnectionUrls {

    private ConnectionUrls() {
    }

    public static Map<String, String> fromDatabaseUrl(String databaseUrl) {
        URI uri = parse(databaseUrl, "DATABASE_URL");
        String scheme = uri.getScheme();
        if (!"postgresql".equals(scheme) && !"postgres".equals(scheme)) {
            throw new IllegalArgumentException("DATABASE_URL must start with postgresql:// or postgres://");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("DATABASE_URL has no host");
        }
        String hostPort = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/postgres" : uri.getRawPath();
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();

        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("quarkus.datasource.reactive.url", "postgresql://" + hostPort + path + query);
        properties.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://" + hostPort + path + query);
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
            properties.put("quarkus.datasource.username", decode(user));
            if (colon >= 0) {
                properties.put("quarkus.datasource.password", decode(userInfo.substring(colon + 1)));
            }
        }
        return properties;
    }

    public static Map<String, String> fromRedisUrl(String redisUrl) {
        URI uri = parse(redisUrl, "REDIS_URL");
        if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
            throw new IllegalArgumentException("REDIS_URL must start with redis:// or rediss://");
        }
        return Map.of("quarkus.redis.hosts", redisUrl);
    }

    private static URI parse(String url, String name) {
        try {
            return new URI(url.trim());
        } catch (URISyntaxException e) {
            // The message would echo the URL, password included.
            throw new IllegalArgumentException(name + " is not a valid URL");
        }
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }
}
