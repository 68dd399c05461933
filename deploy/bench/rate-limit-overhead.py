#!/usr/bin/env python3
"""What the per-key rate limit costs a request.

Starts the packaged api (build it first: ./mvnw package -DskipTests) twice with the rate limit
off and twice with it on, against the local PostgreSQL (database digest_rlbench, recreated)
and Redis (database 7), and times 3,000 sequential authenticated GETs on one keep-alive
connection after 500 warm-up calls. Prints mean, p50 and p99 per run.

    python3 deploy/bench/rate-limit-overhead.py
"""
import http.client
import json
import os
import socket
import statistics
import subprocess
import time
import urllib.request
from pathlib import Path

JAR = str(Path(__file__).resolve().parents[2] / "api-service/target/quarkus-app/quarkus-run.jar")
ADMIN = "bench-admin-key-0123456789abcdef"

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def run(enabled, n=3000):
    port = free_port()
    env = dict(os.environ, QUARKUS_HTTP_PORT=str(port), DIGEST_ADMIN_KEY=ADMIN,
               DATABASE_URL="postgresql://postgres@127.0.0.1:5432/digest_rlbench", REDIS_URL="redis://127.0.0.1:6379/7",
               DIGEST_RATE_LIMIT_ENABLED=str(enabled).lower(), DIGEST_RATE_LIMIT_READ="100000000",
               DIGEST_SCHEDULE_ENABLED="false", QUARKUS_LOG_CONSOLE_JSON_ENABLED="false")
    proc = subprocess.Popen(["java", "-jar", JAR], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/q/health/ready", timeout=2); break
            except Exception:
                time.sleep(0.2)
        c = http.client.HTTPConnection("127.0.0.1", port)
        def call(method, path, body=None, key=ADMIN):
            c.request(method, path, body=json.dumps(body) if body else None,
                      headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
            r = c.getresponse(); data = r.read(); return r.status, json.loads(data) if data else None
        _, app = call("POST", "/api/v1/applications", {"name": "rl", "slug": "rl-" + str(port)})
        _, k = call("POST", f"/api/v1/applications/{app['id']}/api-keys", {"name": "k", "scopes": ["read"]})
        key = k["key"]
        for _ in range(500):
            call("GET", "/api/v1/event-types", key=key)
        times = []
        for _ in range(n):
            t = time.perf_counter(); s, _ = call("GET", "/api/v1/event-types", key=key); times.append(time.perf_counter() - t)
            assert s == 200, s
        times.sort()
        return statistics.mean(times) * 1000, times[len(times) // 2] * 1000, times[int(len(times) * 0.99)] * 1000
    finally:
        proc.terminate(); proc.wait()

subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", "DROP DATABASE IF EXISTS digest_rlbench"], check=True)
subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", "CREATE DATABASE digest_rlbench"], check=True)
for enabled in (False, True, False, True):
    mean, p50, p99 = run(enabled)
    print(f"rate limit {'on ' if enabled else 'off'}: GET /api/v1/event-types x3000 sequential, mean {mean:.2f} ms, p50 {p50:.2f} ms, p99 {p99:.2f} ms", flush=True)
