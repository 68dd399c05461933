package dev.digest.api.ratelimit;

import dev.digest.api.config.ApiConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * A token bucket per (key, class of request) in Redis. The whole decision is one Lua script,
 * so it is atomic however many api replicas share the bucket, and the time is Redis' own
 * clock, so replicas' clocks do not matter.
 */
@ApplicationScoped
public class RateLimiter {

    private static final Logger LOG = Logger.getLogger(RateLimiter.class);

    // KEYS[1] bucket; ARGV[1] capacity; ARGV[2] period in ms. Returns {allowed, remaining,
    // ms until one more request is allowed, ms until the bucket is full again}.
    static final String SCRIPT = """
            local capacity = tonumber(ARGV[1])
            local period = tonumber(ARGV[2])
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
            local tokens = tonumber(state[1])
            local at = tonumber(state[2])
            if tokens == nil or at == nil then
              tokens = capacity
              at = now
            end
            tokens = math.min(capacity, tokens + math.max(0, now - at) * capacity / period)
            local allowed = 0
            local wait = 0
            if tokens >= 1 then
              tokens = tokens - 1
              allowed = 1
            else
              wait = math.ceil((1 - tokens) * period / capacity)
            end
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
            redis.call('PEXPIRE', KEYS[1], period)
            local full = math.ceil((capacity - tokens) * period / capacity)
            return {allowed, math.floor(tokens), wait, full}
            """;

    private static final String SHA = sha1(SCRIPT);
    private static final long WARN_EVERY_NANOS = Duration.ofSeconds(10).toNanos();

    private final Redis redis;
    private final ApiConfig.RateLimit config;
    private final Counter unavailable;
    private final AtomicLong lastWarning = new AtomicLong();

    public RateLimiter(ReactiveRedisDataSource redis, ApiConfig config, MeterRegistry registry) {
        this.redis = redis.getRedis();
        this.config = config.rateLimit();
        this.unavailable = Counter.builder("digest.rate_limit.unavailable")
                .description("Requests decided without Redis (let through when fail-open, refused when not)")
                .register(registry);
    }

    /** Takes one request from {@code identity}'s bucket of {@code limit}. */
    public Uni<RateDecision> take(RequestClass limit, String identity) {
        int capacity = limit.capacity(config);
        if (!config.enabled()) {
            return Uni.createFrom().item(RateDecision.unlimited(capacity));
        }
        long periodMs = config.period().toMillis();
        String key = "digest:ratelimit:" + limit.wire() + ":" + identity;
        return evaluate(key, capacity, periodMs)
                .map(reply -> RateDecision.of(capacity, config.period(), reply.get(0).toInteger() == 1,
                        reply.get(1).toLong(), Duration.ofMillis(reply.get(2).toLong()),
                        Duration.ofMillis(reply.get(3).toLong())))
                .ifNoItem().after(config.timeout()).fail()
                .onFailure().recoverWithItem(failure -> {
                    unavailable.increment();
                    warnAtMostEvery(failure);
                    return config.failOpen() ? RateDecision.unlimited(capacity) : RateDecision.unavailable(capacity);
                });
    }

    /** The bucket of a request without a (valid) key: its client address. */
    static String clientOf(HttpServerRequest http) {
        return http.remoteAddress() == null ? "unknown" : http.remoteAddress().hostAddress();
    }

    /** One warning per {@link #WARN_EVERY_NANOS} while Redis is away, not one per request; the counter has them all. */
    private void warnAtMostEvery(Throwable failure) {
        long now = System.nanoTime();
        long last = lastWarning.get();
        if ((last == 0 || now - last >= WARN_EVERY_NANOS) && lastWarning.compareAndSet(last, now)) {
            LOG.warnf("Rate limits not checked (%s); requests are %s (digest_rate_limit_unavailable_total counts them)",
                    failure.toString(), config.failOpen() ? "let through" : "refused");
        }
    }

    private Uni<Response> evaluate(String key, int capacity, long periodMs) {
        Request byHash = Request.cmd(Command.EVALSHA).arg(SHA).arg(1).arg(key).arg(capacity).arg(periodMs);
        return redis.send(byHash).onFailure(failure -> String.valueOf(failure.getMessage()).startsWith("NOSCRIPT"))
                .recoverWithUni(() -> redis.send(
                        Request.cmd(Command.EVAL).arg(SCRIPT).arg(1).arg(key).arg(capacity).arg(periodMs)));
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }
}
