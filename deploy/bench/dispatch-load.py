#!/usr/bin/env python3
"""Dispatch load check: many enabled digests firing every minute, one packaged api-service.

Creates a fresh database (digest_bench) and uses Redis database 4, inserts DIGESTS digests whose
cron fires once a minute at second (n mod 60), so due instants are spread evenly across each
minute, lets the api's dispatcher run for DURATION seconds, then prints:

  - dispatch lag (scheduled instant -> job on the stream), p50/p99/max, from the runs table
    (enqueued_at is written right after the XADD batch) and from the api's own histogram;
  - database time per dispatch transaction and time per tick (p50/p99 from the api's metrics);
  - runs expected vs created vs published, and doubles (must be 0).

Usage: deploy/bench/dispatch-load.py [--digests 100000] [--duration 120] [--replicas 1]
Needs: python3, psql, redis-cli, a JDK, PostgreSQL and Redis on localhost, and the packaged
api (./mvnw -B package -DskipTests -pl api-service -am).
"""
import argparse
import os
import re
import signal
import subprocess
import sys
import time

from benchlib import ADMIN_KEY, free_port, require_jar, wait_ready
import benchlib

DB = "digest_bench"
REDIS_DB = "4"
STREAM = "digest:bench:jobs"


def psql(sql, db=DB):
    return benchlib.psql(sql, db)


def redis(*args):
    return subprocess.run(["redis-cli", "-h", "127.0.0.1", "-n", REDIS_DB, *args], check=True,
                          capture_output=True, text=True).stdout.strip()


def http(port, method, path, body=None, key=ADMIN_KEY):
    return benchlib.http(port, method, path, body, key)


def start_api(name, port, log_dir):
    return benchlib.start_api(name, port, log_dir, DB, REDIS_DB, DIGEST_QUEUE_STREAM=STREAM)


def metric(text, name, labels=""):
    pattern = re.compile(r"^" + re.escape(name) + r"(\{[^}]*\})? ([0-9.eE+-]+|NaN)$", re.M)
    for match in pattern.finditer(text):
        if labels in (match.group(1) or ""):
            return float(match.group(2))
    return float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--digests", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=120, help="seconds of dispatching to measure")
    parser.add_argument("--warmup", type=int, default=20, help="seconds left out of the figures")
    parser.add_argument("--replicas", type=int, default=1, help="api processes dispatching at once")
    parser.add_argument("--keep", action="store_true", help="keep the database and stream afterwards")
    args = parser.parse_args()
    require_jar()

    log_dir = os.path.join(benchlib.ROOT, "api-service", "target", "bench")
    os.makedirs(log_dir, exist_ok=True)
    psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)", db="postgres")
    psql(f"CREATE DATABASE {DB}", db="postgres")
    redis("FLUSHDB")

    ports = [free_port() for _ in range(args.replicas)]
    # The first replica migrates and serves the set-up calls; its dispatcher finds nothing due yet.
    procs = [start_api("api-1", ports[0], log_dir)]
    wait_ready(ports[0], procs[0])
    app = http(ports[0], "POST", "/api/v1/applications", {"name": "Bench", "slug": "bench"})
    key = http(ports[0], "POST", f"/api/v1/applications/{app['id']}/api-keys",
               {"name": "bench", "scopes": ["read", "write"]})["key"]
    template = http(ports[0], "POST", "/api/v1/email-templates",
                    {"name": "Bench", "subject": "{digest.name}", "html": "<p>x</p>", "text": "x"}, key=key)

    print(f"inserting {args.digests} digests, each firing every minute at second n mod 60 ...", flush=True)
    started = time.time()
    # First instants at least 15 s ahead, so the insert finishes before anything is due.
    psql(f"""
        INSERT INTO digest_digests (id, application_id, name, cron, time_zone, recipients, email_template_id,
                                    enabled, next_run_at)
        SELECT gen_random_uuid(), '{app['id']}', 'bench ' || n, (n % 60) || ' * * * * ?', 'UTC',
               ARRAY['ops@example.com'], '{template['id']}', true,
               date_trunc('minute', now()) + interval '2 minutes' + make_interval(secs => n % 60)
        FROM generate_series(1, {args.digests}) AS n;
        ANALYZE digest_digests;
    """)
    print(f"  done in {time.time() - started:.1f} s", flush=True)
    for i in range(1, args.replicas):
        procs.append(start_api(f"api-{i + 1}", ports[i], log_dir))
    for port, proc in zip(ports, procs):
        wait_ready(port, proc)

    first_due = float(psql("SELECT extract(epoch FROM min(next_run_at)) FROM digest_digests"))
    measure_from = first_due + args.warmup
    measure_to = measure_from + args.duration
    print(f"dispatching: first instants at {time.strftime('%H:%M:%S', time.gmtime(first_due))} UTC; "
          f"measuring {args.duration} s after a {args.warmup} s warm-up", flush=True)
    while time.time() < measure_to + 5:
        time.sleep(1)

    texts = [http(port, "GET", "/q/metrics") for port in ports]
    for proc in procs:
        proc.send_signal(signal.SIGTERM)
    for proc in procs:
        proc.wait(timeout=60)

    window = f"scheduled_for >= to_timestamp({measure_from}) AND scheduled_for < to_timestamp({measure_to})"
    row = psql(f"""
        SELECT count(*), count(stream_message_id),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM enqueued_at - scheduled_for)),
               percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM enqueued_at - scheduled_for)),
               max(extract(epoch FROM enqueued_at - scheduled_for))
        FROM digest_runs WHERE {window}
    """).split("|")
    runs, published = int(row[0]), int(row[1])
    p50, p99, worst = (float(x) if x else float("nan") for x in row[2:5])
    doubles = int(psql(f"""SELECT count(*) FROM (SELECT digest_id, scheduled_for FROM digest_runs WHERE {window}
                         GROUP BY 1, 2 HAVING count(*) > 1) d"""))
    expected = int(psql(f"""
        SELECT count(*) FROM digest_digests d,
          generate_series(date_trunc('minute', to_timestamp({measure_from})) - interval '1 minute',
                          to_timestamp({measure_to}), interval '1 minute') AS m
        WHERE m + make_interval(secs => split_part(d.cron, ' ', 1)::int)
              BETWEEN to_timestamp({measure_from}) AND to_timestamp({measure_to}) - interval '1 microsecond'
    """))
    stream_len = int(redis("XLEN", STREAM))

    def summed(name, labels=""):
        return sum(metric(t, name, labels) for t in texts)

    ticks = summed("digest_dispatch_tick_seconds_count")
    txs = summed("digest_dispatch_db_seconds_count")
    print()
    print(f"digests: {args.digests}   api replicas: {args.replicas}   window: {args.duration} s")
    print(f"runs: expected {expected}, created {runs}, published {published}, doubled {doubles}; "
          f"stream length {stream_len}")
    print(f"dispatch lag (scheduled -> on stream), from the runs table: p50 {p50:.3f} s, p99 {p99:.3f} s, "
          f"max {worst:.3f} s")
    q50, q99 = 'quantile="0.5"', 'quantile="0.99"'
    for i, t in enumerate(texts, 1):
        lag50, lag99 = metric(t, "digest_dispatch_lag_seconds", q50), metric(t, "digest_dispatch_lag_seconds", q99)
        db50, db99 = metric(t, "digest_dispatch_db_seconds", q50), metric(t, "digest_dispatch_db_seconds", q99)
        tick50, tick99 = metric(t, "digest_dispatch_tick_seconds", q50), metric(t, "digest_dispatch_tick_seconds", q99)
        print(f"api-{i}: lag p50 {lag50:.3f} s p99 {lag99:.3f} s; db per transaction p50 {db50 * 1000:.1f} ms"
              f" p99 {db99 * 1000:.1f} ms; tick p50 {tick50 * 1000:.1f} ms p99 {tick99 * 1000:.1f} ms")
    print(f"ticks: {ticks:.0f}, transactions: {txs:.0f}, "
          f"database time per tick: {summed('digest_dispatch_db_seconds_sum') / max(ticks, 1) * 1000:.1f} ms on average")

    if not args.keep:
        redis("DEL", STREAM)
        psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)", db="postgres")
    ok = doubles == 0 and runs == expected and published == runs
    print("OK" if ok else "PROBLEM: missing, unpublished or doubled runs")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
