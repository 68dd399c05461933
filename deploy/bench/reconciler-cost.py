#!/usr/bin/env python3
"""What the run ledger's periodic statements cost on a large table.

Builds a scratch database (digest_bench_reconcile) with the project's migrations, fills
digest_runs with FINISHED finished runs and QUEUED queued ones (on the stream, as after a Redis
outage), and times, with EXPLAIN ANALYZE, the statements the workers run on every tick: the
reconciler's page of queued runs on the stream and its lapsed-lease scan, the re-publisher's
due runs, and the queue gauges. The statements are read from the Java sources, so what is
timed is what runs. Needs psql and a local PostgreSQL (trust auth for postgres).

    python3 deploy/bench/reconciler-cost.py [--finished 2000000] [--queued 100000]
"""
import argparse
import glob
import os
import re
import time

from benchlib import ROOT, bind, java_statement, psql, recreate_database

DB = "digest_bench_reconcile"


def explain(sql, args):
    plan = psql("EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) " + bind(sql, args), DB)
    times = re.findall(r"Execution Time: ([0-9.]+) ms", plan)
    uses = sorted(set(re.findall(r"Index (?:Only )?Scan using (\w+)", plan)
                      + re.findall(r"Bitmap Index Scan on (\w+)", plan)))
    seq = "Seq Scan on digest_runs" in plan
    return float(times[0]), uses, seq


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--finished", type=int, default=2_000_000)
    parser.add_argument("--queued", type=int, default=100_000)
    args = parser.parse_args()

    recreate_database(DB)
    for path in sorted(glob.glob(os.path.join(ROOT, "common/src/main/resources/db/migration/V*.sql")),
                       key=lambda p: int(re.search(r"V(\d+)__", p).group(1))):
        psql(open(path).read(), DB)
    psql("""
        INSERT INTO digest_applications (id, name, slug) VALUES ('00000000-0000-0000-0000-000000000001', 'bench', 'bench');
        INSERT INTO digest_email_templates (id, application_id, name, subject, html_body, text_body)
            VALUES ('00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000001', 't', 's', 'h', 't');
        INSERT INTO digest_digests (id, application_id, name, cron, time_zone, recipients, email_template_id)
            SELECT ('00000000-0000-0000-0001-' || lpad(to_hex(g), 12, '0'))::uuid,
                   '00000000-0000-0000-0000-000000000001', 'd' || g, '0 0 8 * * ?', 'UTC', ARRAY['a@example.com'],
                   '00000000-0000-0000-0000-000000000002'
            FROM generate_series(1, 1000) g;""", DB)
    started = time.time()
    psql(f"""
        INSERT INTO digest_runs (id, application_id, digest_id, trigger, status, attempts, claims, window_start,
                                 window_end, created_at, updated_at, finished_at, available_at)
        SELECT gen_random_uuid(), '00000000-0000-0000-0000-000000000001',
               ('00000000-0000-0000-0001-' || lpad(to_hex(1 + g % 1000), 12, '0'))::uuid, 'manual', 'succeeded', 1, 1,
               now() - (g || ' seconds')::interval - interval '1 hour', now() - (g || ' seconds')::interval,
               now() - (g || ' seconds')::interval, now(), now(), now()
        FROM generate_series(1, {args.finished}) g;
        INSERT INTO digest_runs (id, application_id, digest_id, trigger, status, stream_message_id, enqueued_at,
                                 available_at, created_at, updated_at)
        SELECT gen_random_uuid(), '00000000-0000-0000-0000-000000000001',
               ('00000000-0000-0000-0001-' || lpad(to_hex(1 + g % 1000), 12, '0'))::uuid, 'manual', 'queued',
               (extract(epoch FROM now())::bigint * 1000 - 600000 + g) || '-0', now() - interval '10 minutes',
               now(), now(), now()
        FROM generate_series(1, {args.queued}) g;
        ANALYZE digest_runs;""", DB)
    print(f"filled digest_runs: {args.finished} finished, {args.queued} queued on the stream "
          f"({time.time() - started:.0f} s)")

    ledger = "common/src/main/java/dev/digest/common/run/RunLedger.java"
    gauges = "worker-service/src/main/java/dev/digest/worker/metrics/QueueGauges.java"
    checks = [
        ("reconciler: page of 500 queued runs on the stream", java_statement(ledger, "ON_STREAM_SINCE"),
         {1: "30000", 2: "'1970-01-01T00:00:00Z'::timestamptz", 3: "'00000000-0000-0000-0000-000000000000'::uuid",
          4: "500"}),
        ("reconciler: lapsed leases (none lapsed)", java_statement(ledger, "REQUEUE_LAPSED"), {1: "500"}),
        ("re-publisher: due runs without a message", java_statement(ledger, "DUE_FOR_PUBLICATION"), {1: "200"}),
        ("queue gauges: waiting, overdue, lapsed", java_statement(gauges, "RUNS"), {1: "300000"}),
    ]
    print(f"{'statement':52} {'ms':>9}  indexes used")
    for name, sql, values in checks:
        best = min(explain(sql, values)[0] for _ in range(3))
        _, uses, seq = explain(sql, values)
        print(f"{name:52} {best:9.2f}  {', '.join(uses) or '-'}{'  (SEQ SCAN of digest_runs)' if seq else ''}")
    psql(f"DROP DATABASE {DB} WITH (FORCE)", db="postgres")


if __name__ == "__main__":
    main()
