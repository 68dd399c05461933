#!/usr/bin/env python3
"""How long a digest takes to read and render a very large window.

Starts the packaged api (./mvnw -B package -DskipTests -pl api-service -am) on a fresh
database (digest_window_bench) and Redis database 8, creates a digest over 5 event types with
line templates, inserts EVENTS events received in the last hour straight into PostgreSQL, and
times GET /api/v1/digests/{id}/preview: the worker's own window query and rendering (20 events
listed per type, the rest counted), without sending. Prints the event count and the timings.

    python3 deploy/bench/large-window.py [--events 1000000]
"""
import argparse
import os
import statistics
import time

import benchlib

DB = "digest_window_bench"
REDIS_DB = "8"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    benchlib.require_jar()
    benchlib.recreate_database(DB)
    port = benchlib.free_port()
    proc = benchlib.start_api("large-window", port, os.path.join(benchlib.ROOT, "api-service", "target", "bench"),
                              DB, REDIS_DB, DIGEST_SCHEDULE_ENABLED="false")
    try:
        benchlib.wait_ready(port, proc)
        app = benchlib.http(port, "POST", "/api/v1/applications", {"name": "Window", "slug": "window"})
        key = benchlib.http(port, "POST", f"/api/v1/applications/{app['id']}/api-keys",
                            {"name": "k", "scopes": ["read", "write"]})["key"]
        for n in range(1, 6):
            benchlib.http(port, "POST", "/api/v1/event-types",
                          {"key": f"type{n}", "name": f"Type {n}", "lineTemplate": "Order {payload.n}: {payload.text}"}, key)
        template = benchlib.http(port, "POST", "/api/v1/email-templates", {
            "name": "t", "subject": "{eventCount} events",
            "html": "{#for g in groups}<h2>{g.name} ({g.count})</h2><ul>{#for e in g.events}<li>{e.line}</li>{/for}</ul>"
                    "{#if g.more > 0}<p>and {g.more} more</p>{/if}{/for}",
            "text": "{#for g in groups}{g.name}: {g.count}\n{#for e in g.events}- {e.line}\n{/for}{/for}"}, key)
        digest = benchlib.http(port, "POST", "/api/v1/digests", {
            "name": "Large", "cron": "0 0 8 * * ?", "timeZone": "UTC", "recipients": ["ops@example.com"],
            "emailTemplateId": template["id"], "enabled": False, "emptyWindow": "send"}, key)
        started = time.time()
        benchlib.psql(f"""
            INSERT INTO digest_webhook_events (id, application_id, event_type_key, payload, occurred_at, received_at)
            SELECT gen_random_uuid(), '{app['id']}', 'type' || (n % 5 + 1),
                   jsonb_build_object('n', n, 'text', 'order number ' || n), now(),
                   now() - interval '1 hour' + n * (interval '1 hour' / {args.events})
            FROM generate_series(1, {args.events}) AS n
        """, DB)
        benchlib.psql("VACUUM ANALYZE digest_webhook_events", DB)
        print(f"inserted {args.events} events in {time.time() - started:.1f} s", flush=True)
        path = f"/api/v1/digests/{digest['id']}/preview"
        preview = benchlib.http(port, "GET", path, key=key)
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            benchlib.http(port, "GET", path, key=key)
            times.append(time.perf_counter() - started)
        print(f"preview of a window of {preview['eventCount']} events ({len(preview['html'])}-char HTML): "
              f"median {statistics.median(times) * 1000:.0f} ms, min {min(times) * 1000:.0f} ms, "
              f"max {max(times) * 1000:.0f} ms over {args.repeat} calls", flush=True)
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
