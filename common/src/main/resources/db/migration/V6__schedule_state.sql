-- Why an enabled digest has no next run: its cron ran out of fire instants (a year field in
-- the past) or can no longer be evaluated. Null while the digest is scheduled or disabled.
-- Written when a schedule is saved and by the dispatcher when it advances a digest.
ALTER TABLE digest_digests ADD COLUMN schedule_error text;

-- Digests the dispatcher parked before this column existed become visible at once.
UPDATE digest_digests SET schedule_error = 'the schedule has no next fire instant'
WHERE enabled AND next_run_at IS NULL;
