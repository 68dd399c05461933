package dev.digest.api.apikey;

import dev.digest.api.tenant.TenantEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** An application's API key: its scopes and the hash of its secret, never the secret. */
@Entity
@Table(name = "digest_api_keys")
public class ApiKey extends TenantEntity {

    public String name;

    @JdbcTypeCode(SqlTypes.ARRAY)
    public String[] scopes;

    public String prefix;

    @Column(name = "key_hash", updatable = false)
    public String keyHash;

    @Column(name = "last_used_at", insertable = false, updatable = false)
    public Instant lastUsedAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;
}
