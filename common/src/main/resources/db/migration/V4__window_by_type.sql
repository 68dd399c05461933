-- Digest schema, version 4: a digest reads its window one event type at a time (a count, and
-- the first rows in receipt order), so the window index leads with the type. A window of a
-- million events is then counted from the index alone and only the listed rows are read;
-- with the receipt-first index PostgreSQL sorted the whole window.
--
-- Building the index blocks writes to digest_webhook_events while it runs. On a large table,
-- build it by hand first, without blocking, and this migration finds it there:
--   CREATE INDEX CONCURRENTLY digest_webhook_events_type_window_idx
--       ON digest_webhook_events (application_id, event_type_key, received_at, id);
-- (Flyway holds a transaction open during a migration, so CONCURRENTLY cannot run from here.)
CREATE INDEX IF NOT EXISTS digest_webhook_events_type_window_idx
    ON digest_webhook_events (application_id, event_type_key, received_at, id);
DROP INDEX IF EXISTS digest_webhook_events_window_idx;
