#!/usr/bin/env python3
"""What the retention purge costs, and what it costs ingestion.

Builds a scratch database (digest_bench_retention) with the project's migrations, fills it with
EVENTS events every digest has moved past by more than the grace (plus 100,000 recent ones that
must stay) and RUNS finished runs past their age (plus each digest's latest succeeded run), then
runs the purge statements, read from the Java sources, in batches of BATCH rows, one statement
per transaction as the worker does. Meanwhile pgbench inserts events into digest_webhook_events
at a steady rate, as the api's ingestion does; its latencies while the purge runs are compared
with the same load without it. Needs psql, pgbench and a local PostgreSQL (trust auth for
postgres).

    python3 deploy/bench/retention-purge.py [--events 1000000] [--runs 1000000] [--batch 1000] [--rate 200]
"""
import argparse
import glob
import os
import re
import subprocess
import tempfile
import threading
import time

from benchlib import ROOT, bind, java_statement, psql, recreate_database

DB = "digest_bench_retention"
APP = "00000000-0000-0000-0000-000000000001"
TYPES = 5


def statement_line(sql, args):
    return bind(sql, args).strip() + ";\n"


def pgbench(script, log_dir, prefix, extra):
    """Runs pgbench on one script with a per-transaction log; the log lines as (epoch seconds, latency ms)."""
    path = os.path.join(log_dir, prefix + ".sql")
    with open(path, "w") as f:
        f.write(script)
    subprocess.run(["pgbench", "-h", "127.0.0.1", "-U", "postgres", "-n", "-M", "prepared", "-f", path, "-l",
                    "--log-prefix", os.path.join(log_dir, prefix), *extra, DB],
                   check=True, capture_output=True, text=True)
    samples = []
    for log in glob.glob(os.path.join(log_dir, prefix + ".*")):
        if log.endswith(".sql"):
            continue
        for line in open(log):
            fields = line.split()
            # client, transaction, latency (us), script, epoch (s), epoch (us)[, schedule lag]
            samples.append((int(fields[4]) + int(fields[5]) / 1e6, int(fields[2]) / 1000.0))
    return samples


def percentile(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(round(p / 100.0 * (len(values) - 1))))]


def count(table):
    return int(psql(f"SELECT count(*) FROM {table}", DB))


def count_old_events():
    return int(psql("SELECT count(*) FROM digest_webhook_events WHERE received_at < now() - interval '35 days'", DB))


def seed(events, runs):
    for path in sorted(glob.glob(os.path.join(ROOT, "common/src/main/resources/db/migration/V*.sql")),
                       key=lambda p: int(re.search(r"V(\d+)__", p).group(1))):
        psql(open(path).read(), DB)
    psql(f"""
        INSERT INTO digest_applications (id, name, slug) VALUES ('{APP}', 'bench', 'bench');
        INSERT INTO digest_email_templates (id, application_id, name, subject, html_body, text_body)
            VALUES ('00000000-0000-0000-0000-000000000002', '{APP}', 't', 's', 'h', 't');
        INSERT INTO digest_event_types (application_id, key, name)
            SELECT '{APP}', 'type' || g, 'Type ' || g FROM generate_series(0, {TYPES - 1}) g;
        INSERT INTO digest_digests (id, application_id, name, cron, time_zone, recipients, email_template_id)
            SELECT ('00000000-0000-0000-0001-' || lpad(to_hex(g), 12, '0'))::uuid, '{APP}', 'd' || g,
                   '0 0 8 * * ?', 'UTC', ARRAY['a@example.com'], '00000000-0000-0000-0000-000000000002'
            FROM generate_series(1, 1000) g;
        -- Each digest's latest window ended an hour ago: the run that must stay.
        INSERT INTO digest_runs (application_id, digest_id, trigger, status, attempts, claims, window_start,
                                 window_end, started_at, finished_at, created_at, updated_at)
        SELECT '{APP}', ('00000000-0000-0000-0001-' || lpad(to_hex(g), 12, '0'))::uuid, 'manual', 'succeeded', 1, 1,
               now() - interval '2 hours', now() - interval '1 hour', now() - interval '1 hour',
               now() - interval '1 hour', now() - interval '1 hour', now() - interval '1 hour'
        FROM generate_series(1, 1000) g;""", DB)
    started = time.time()
    # Purgeable: received 40 to 70 days ago, every digest moved past them (grace 30 days).
    psql(f"""
        INSERT INTO digest_webhook_events (application_id, event_type_key, payload, occurred_at, received_at)
        SELECT '{APP}', 'type' || (g % {TYPES}), jsonb_build_object('order', g, 'customer', 'c' || (g % 997)),
               now() - interval '40 days' - (g % 2592000) * interval '1 second',
               now() - interval '40 days' - (g % 2592000) * interval '1 second'
        FROM generate_series(1, {events}) g;
        INSERT INTO digest_webhook_events (application_id, event_type_key, payload, occurred_at, received_at)
        SELECT '{APP}', 'type' || (g % {TYPES}), jsonb_build_object('order', g, 'customer', 'c' || (g % 997)),
               now() - (g % 2419200) * interval '1 second', now() - (g % 2419200) * interval '1 second'
        FROM generate_series(1, 100000) g;""", DB)
    # Purgeable: finished 100 to 200 days ago, older than their digest's latest window.
    psql(f"""
        INSERT INTO digest_runs (application_id, digest_id, trigger, status, attempts, claims, window_start,
                                 window_end, started_at, finished_at, created_at, updated_at)
        SELECT '{APP}', ('00000000-0000-0000-0001-' || lpad(to_hex(1 + g % 1000), 12, '0'))::uuid, 'manual',
               CASE WHEN g % 10 = 0 THEN 'failed' ELSE 'succeeded' END, 1, 1,
               f.at - interval '1 hour', f.at, f.at, f.at, f.at, f.at
        FROM generate_series(1, {runs}) g,
             LATERAL (SELECT now() - interval '100 days' - (g % 8640000) * interval '1 second' AS at) f;""", DB)
    for table in ("digest_webhook_events", "digest_runs"):
        psql(f"VACUUM ANALYZE {table}", DB)
    print(f"filled: {count('digest_webhook_events')} events ({events} purgeable), {count('digest_runs')} runs "
          f"({runs} purgeable) in {time.time() - started:.0f} s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--rate", type=int, default=200, help="event inserts per second, from 4 connections")
    parser.add_argument("--baseline", type=int, default=30, help="seconds of inserts without the purge")
    args = parser.parse_args()

    recreate_database(DB)
    seed(args.events, args.runs)

    day = 86_400_000
    purge_events = statement_line(java_statement("worker-service/src/main/java/dev/digest/worker/retention/ExpiredEvents.java",
                                  "PURGE"), {1: str(day), 2: str(30 * day), 3: str(args.batch)})
    purge_runs = statement_line(java_statement("common/src/main/java/dev/digest/common/run/RunLedger.java", "PURGE_FINISHED"),
                      {1: str(90 * day), 2: str(args.batch)})
    insert = (f"INSERT INTO digest_webhook_events (application_id, event_type_key, payload, occurred_at) "
              f"VALUES ('{APP}', 'type' || (random() * {TYPES - 1})::int, "
              f"jsonb_build_object('order', (random() * 1e9)::bigint, 'customer', 'live'), now());\n")
    inserting = ["-c", "4", "-j", "2", "-R", str(args.rate)]
    logs = tempfile.mkdtemp(prefix="retention-bench-")

    baseline = pgbench(insert, logs, "baseline", [*inserting, "-T", str(args.baseline)])

    # The purge goes a batch per transaction until a batch comes back short, as a worker's ticks do
    # (without the pause between ticks); ingestion runs all along.
    old_events, runs_before = count_old_events(), count("digest_runs")
    batches_events = args.events // args.batch + 2
    batches_runs = args.runs // args.batch + 2
    window = {}
    purge_samples = {}

    def purge():
        window["start"] = time.time()
        purge_samples["events"] = pgbench(purge_events, logs, "purge-events", ["-c", "1", "-t", str(batches_events)])
        window["events"] = time.time()
        purge_samples["runs"] = pgbench(purge_runs, logs, "purge-runs", ["-c", "1", "-t", str(batches_runs)])
        window["end"] = time.time()

    purger = threading.Thread(target=purge)
    during = []

    def ingest():
        # Five-second rounds of inserts for as long as the purge goes (the gap between rounds is a
        # reconnect, which pgbench does not count in latencies).
        round_no = 0
        while purger.is_alive() or round_no == 0:
            round_no += 1
            during.extend(pgbench(insert, logs, f"during-{round_no}", [*inserting, "-T", "5"]))

    ingester = threading.Thread(target=ingest)
    purger.start()
    ingester.start()
    purger.join()
    ingester.join()

    removed_events = old_events - count_old_events()
    removed_runs = runs_before - count("digest_runs")
    during = [lat for at, lat in during if window["start"] <= at <= window["end"]]
    kept_runs = int(psql("SELECT count(DISTINCT digest_id) FROM digest_runs WHERE status = 'succeeded' "
                         "AND window_end > now() - interval '2 hours'", DB))
    recent_kept = int(psql("SELECT count(*) FROM digest_webhook_events WHERE received_at > now() - interval '29 days' "
                           "AND payload->>'customer' <> 'live'",
                           DB))

    events_s = window["events"] - window["start"]
    runs_s = window["end"] - window["events"]
    print(f"purge, batches of {args.batch}, one statement per transaction:")
    for kind, removed, seconds in (("events", removed_events, events_s), ("runs", removed_runs, runs_s)):
        batch_ms = [lat for _, lat in purge_samples[kind]]
        print(f"  {kind:6} {removed:>9,} removed in {seconds:6.1f} s = {removed / seconds:>8,.0f} rows/s; "
              f"batch p50 {percentile(batch_ms, 50):6.1f} ms, p99 {percentile(batch_ms, 99):6.1f} ms, "
              f"max {max(batch_ms):6.1f} ms")
    print(f"  kept: every digest's latest run ({kept_runs} of 1000 digests), {recent_kept:,} of the 100,000 recent events")
    print(f"event inserts at {args.rate}/s from 4 connections:")
    for name, samples in (("without purge", [lat for _, lat in baseline]), ("during purge", during)):
        print(f"  {name:14} {len(samples):>6} inserts  p50 {percentile(samples, 50):6.2f} ms  "
              f"p99 {percentile(samples, 99):6.2f} ms  max {max(samples):7.2f} ms")
    psql(f"DROP DATABASE {DB} WITH (FORCE)", db="postgres")


if __name__ == "__main__":
    main()
