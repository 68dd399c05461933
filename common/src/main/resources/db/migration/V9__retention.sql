-- Digest schema, version 9: what the worker's retention purge reads.
--
-- Finished runs by when they finished: the purge takes the oldest first, a batch at a time,
-- without reading the runs still in flight or those too young to go.
-- The latest succeeded window of each digest: where its next window starts (the run ledger's
-- previous window end), and the one run per digest the purge must never remove. The same
-- index answers both from a few index pages however long a digest's history.
--
-- Building them blocks writes to digest_runs while they build. On a large table build them by
-- hand first, without blocking, and this migration finds them there:
--   CREATE INDEX CONCURRENTLY digest_runs_finished_idx ON digest_runs (finished_at)
--       WHERE status IN ('succeeded', 'failed', 'skipped', 'dead');
--   CREATE INDEX CONCURRENTLY digest_runs_latest_window_idx ON digest_runs (digest_id, window_end)
--       WHERE status = 'succeeded' AND trigger <> 'test';
CREATE INDEX IF NOT EXISTS digest_runs_finished_idx ON digest_runs (finished_at)
    WHERE status IN ('succeeded', 'failed', 'skipped', 'dead');
CREATE INDEX IF NOT EXISTS digest_runs_latest_window_idx ON digest_runs (digest_id, window_end)
    WHERE status = 'succeeded' AND trigger <> 'test';
