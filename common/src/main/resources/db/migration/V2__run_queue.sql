-- When a queued run may be published to the job stream. A new run gets a short grace
-- period in which its request publishes it directly; after that, or after a failed
-- attempt's backoff, the worker's re-publisher sends any run still without a stream id.
ALTER TABLE digest_runs ADD COLUMN available_at timestamptz NOT NULL DEFAULT now();

DROP INDEX digest_runs_unpublished_idx;
CREATE INDEX digest_runs_unpublished_idx ON digest_runs (available_at)
    WHERE status = 'queued' AND stream_message_id IS NULL;

CREATE INDEX digest_runs_status_idx ON digest_runs (application_id, status, id);
CREATE INDEX digest_email_logs_run_idx ON digest_email_logs (run_id, id);
