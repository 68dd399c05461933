-- Digest schema, version 8: an application's suppression list. An address on it is never sent
-- to by any digest of the application (a hard bounce, a complaint, a legal request), whatever
-- the digests' recipients say. Addresses are stored lower-case, as unsubscribes are.
CREATE TABLE digest_suppressions (
    application_id  uuid        NOT NULL REFERENCES digest_applications (id) ON DELETE CASCADE,
    address         text        NOT NULL CHECK (address = lower(address) AND char_length(address) BETWEEN 3 AND 320),
    reason          text        CHECK (char_length(reason) <= 500),
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (application_id, address)
);

-- Listing a digest's unsubscribes page by page, in address order.
CREATE INDEX IF NOT EXISTS digest_unsubscribes_list_idx ON digest_unsubscribes (application_id, digest_id, recipient);
