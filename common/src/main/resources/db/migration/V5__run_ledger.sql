-- The run ledger: ownership of a run lives in PostgreSQL, not in Redis.
--
-- claims:           how many times a worker has claimed the run. Every move a worker makes
--                   names the claim it holds, so a worker whose run was taken over changes
--                   nothing; a publisher records a stream id only while no claim has happened
--                   since it read the run, so an already handled message is never recorded.
-- lease_expires_at: while running, until when the claiming worker owns it. The worker renews
--                   it while it works; a run whose lease lapsed is taken back by the reconciler.
-- first_claimed_at: when the current round of attempts began; retries are budgeted in time from
--                   here as well as in attempts, so a long outage does not use up a run.
-- turn_wait:        queued behind another run of the same digest that is delivering its window;
--                   woken when that run finishes (available_at is only a safety net then).
ALTER TABLE digest_runs
    ADD COLUMN claims           integer     NOT NULL DEFAULT 0,
    ADD COLUMN lease_expires_at timestamptz,
    ADD COLUMN first_claimed_at timestamptz,
    ADD COLUMN turn_wait        boolean     NOT NULL DEFAULT false;

-- Runs already running when this migration is applied get a lease that lapses at once, so the
-- reconciler takes them over if their worker is gone.
UPDATE digest_runs SET lease_expires_at = now(), first_claimed_at = started_at WHERE status = 'running';
UPDATE digest_runs SET first_claimed_at = started_at WHERE status = 'queued' AND attempts > 0;

-- The reconciler: running runs by lease expiry.
CREATE INDEX digest_runs_lease_idx ON digest_runs (lease_expires_at) WHERE status = 'running';

-- The reconciler: queued runs that are on the stream, paged through by when they were put there.
CREATE INDEX digest_runs_published_idx ON digest_runs (enqueued_at, id)
    WHERE status = 'queued' AND stream_message_id IS NOT NULL;

-- Fixing a window: is another run of this digest holding a window open? And waking the next
-- run that waits for its turn.
CREATE INDEX digest_runs_open_window_idx ON digest_runs (digest_id)
    WHERE status IN ('queued', 'running') AND window_end IS NOT NULL AND trigger <> 'test';
CREATE INDEX digest_runs_turn_wait_idx ON digest_runs (digest_id, created_at, id)
    WHERE status = 'queued' AND turn_wait;

-- Runs not finished yet, for the queue gauges (queued too long, leases lapsed) without reading
-- the finished history.
CREATE INDEX digest_runs_active_idx ON digest_runs (status, created_at) WHERE status IN ('queued', 'running');
