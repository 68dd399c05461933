#!/usr/bin/env python3
"""What the per-key rate limit costs a request.

Starts the packaged api (build it first: ./mvnw -B package -DskipTests -pl api-service -am)
twice with the rate limit off and twice with it on, against the local PostgreSQL (database
digest_rlbench, recreated) and Redis (database 7), and times 3,000 sequential authenticated
GETs on one keep-alive connection after 500 warm-up calls. Prints mean, p50 and p99 per run.

    python3 deploy/bench/rate-limit-overhead.py
"""
import http.client
import json
import os
import statistics
import time

import benchlib

DB = "digest_rlbench"
REDIS_DB = "7"
CALLS = 3000


def measure(enabled):
    port = benchlib.free_port()
    proc = benchlib.start_api(f"rate-limit-{'on' if enabled else 'off'}", port,
                              os.path.join(benchlib.ROOT, "api-service", "target", "bench"), DB, REDIS_DB,
                              DIGEST_RATE_LIMIT_ENABLED=str(enabled).lower(), DIGEST_RATE_LIMIT_READ="100000000",
                              DIGEST_SCHEDULE_ENABLED="false")
    try:
        benchlib.wait_ready(port, proc)
        app = benchlib.http(port, "POST", "/api/v1/applications", {"name": "rl", "slug": f"rl-{port}"})
        key = benchlib.http(port, "POST", f"/api/v1/applications/{app['id']}/api-keys",
                            {"name": "k", "scopes": ["read"]})["key"]
        connection = http.client.HTTPConnection("127.0.0.1", port)

        def call():
            connection.request("GET", "/api/v1/event-types", headers={"Authorization": "Bearer " + key})
            response = connection.getresponse()
            response.read()
            assert response.status == 200, response.status

        for _ in range(500):
            call()
        times = []
        for _ in range(CALLS):
            started = time.perf_counter()
            call()
            times.append(time.perf_counter() - started)
        times.sort()
        return statistics.mean(times) * 1000, times[len(times) // 2] * 1000, times[int(len(times) * 0.99)] * 1000
    finally:
        proc.terminate()
        proc.wait()


def main():
    benchlib.require_jar()
    benchlib.recreate_database(DB)
    for enabled in (False, True, False, True):
        mean, p50, p99 = measure(enabled)
        print(f"rate limit {'on ' if enabled else 'off'}: GET /api/v1/event-types x{CALLS} sequential, "
              f"mean {mean:.2f} ms, p50 {p50:.2f} ms, p99 {p99:.2f} ms", flush=True)


if __name__ == "__main__":
    main()
