-- Digest schema, version 3: unsubscribes, the key that signs unsubscribe links, and the
-- events a run had to leave out.

-- One row per (digest, address) that asked to stop receiving the digest. Addresses are stored
-- lower-case so that the check does not depend on how the digest spells them.
CREATE TABLE digest_unsubscribes (
    application_id  uuid        NOT NULL REFERENCES digest_applications (id) ON DELETE CASCADE,
    digest_id       uuid        NOT NULL,
    recipient       text        NOT NULL CHECK (recipient = lower(recipient) AND char_length(recipient) <= 320),
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (digest_id, recipient),
    CONSTRAINT digest_unsubscribes_digest_fkey FOREIGN KEY (application_id, digest_id)
        REFERENCES digest_digests (application_id, id) ON DELETE CASCADE
);

-- Secrets both services share without configuration. The unsubscribe key is 32 bytes from two
-- random (version 4) UUIDs: 244 random bits. Replace the row to rotate it; links already sent
-- then stop working.
CREATE TABLE digest_signing_keys (
    name        text        PRIMARY KEY,
    secret      bytea       NOT NULL CHECK (length(secret) >= 32),
    created_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO digest_signing_keys (name, secret)
VALUES ('unsubscribe', decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));

-- Events whose line template failed: how many, and the first few of them with the error.
ALTER TABLE digest_runs
    ADD COLUMN bad_event_count integer NOT NULL DEFAULT 0,
    ADD COLUMN bad_events      jsonb   NOT NULL DEFAULT '[]'::jsonb;
