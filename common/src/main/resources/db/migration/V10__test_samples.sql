-- A test send may carry sample events: the email is rendered from them instead of the
-- digest's window, so a person can see a full email before any event arrives.
ALTER TABLE digest_runs ADD COLUMN test_events jsonb;
ALTER TABLE digest_runs ADD CONSTRAINT digest_runs_test_events_only_for_tests
    CHECK (test_events IS NULL OR trigger = 'test');
