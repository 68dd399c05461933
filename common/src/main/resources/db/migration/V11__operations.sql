-- The operations console: cancelled runs, each run's attempt history, and dispatch pauses.

-- A person may give up on a queued run; it is final and never sent.
ALTER TABLE digest_runs DROP CONSTRAINT digest_runs_status_check;
ALTER TABLE digest_runs ADD CONSTRAINT digest_runs_status_check
    CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'skipped', 'dead', 'cancelled'));

-- One row per claim of a run: who worked on it, when, and how it ended. Written only by the
-- run ledger, in the same statement as the run's own move, so history and status never disagree.
CREATE TABLE digest_run_attempts (
    run_id         uuid        NOT NULL REFERENCES digest_runs (id) ON DELETE CASCADE,
    claim          int         NOT NULL,
    attempt        int         NOT NULL,
    application_id uuid        NOT NULL REFERENCES digest_applications (id) ON DELETE CASCADE,
    worker_id      text,
    started_at     timestamptz NOT NULL,
    finished_at    timestamptz,
    outcome        text        NOT NULL DEFAULT 'running'
                               CHECK (outcome IN ('running', 'succeeded', 'failed', 'skipped', 'dead', 'retry',
                                                  'lapsed')),
    error          text,
    error_detail   text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, claim)
);

-- Pausing stops scheduled dispatch: per application, or everywhere while the single global row
-- exists. Due instants are not advanced while paused, so on resume they follow the digest's
-- missed-run policy.
ALTER TABLE digest_applications ADD COLUMN dispatch_paused_at timestamptz;

CREATE TABLE digest_dispatch_pause (
    id         boolean     PRIMARY KEY DEFAULT true CHECK (id),
    paused_at  timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
