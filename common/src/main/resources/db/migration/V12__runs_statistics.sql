-- A burst of scheduled runs changes digest_runs faster than autovacuum's default analyze
-- threshold (10 % of the table) notices; with stale row counts the planner picks plans that
-- scan every queued run. Analyze after 1 % of the table (at least 1,000 rows) has changed.
-- The dispatcher also analyzes after a large dispatch (digest.schedule.analyze-after).
ALTER TABLE digest_runs SET (autovacuum_analyze_scale_factor = 0.01, autovacuum_analyze_threshold = 1000);
