#!/usr/bin/env python3
"""Throughput benchmark: the packaged api and two workers against a counting SMTP sink.

    python3 deploy/bench/throughput.py sink      [--messages 200000] [--connections 8]
    python3 deploy/bench/throughput.py burst     --digests 5000 --recipients 3 --events 20 [--at 'Europe/Paris']
    python3 deploy/bench/throughput.py open-loop --rate 200 --seconds 30
    python3 deploy/bench/throughput.py api       --connections 64 --seconds 20
    python3 deploy/bench/throughput.py limits    [--runs 20000] [--clients 8]

sink       starts the sink (deploy/bench/SmtpSink.java) alone and loads it with its own client, with
           and without pipelining: the messages a second it takes, to compare with the rates below.
burst      D digests with R recipients and E events each (seeded with SQL into the migrated schema),
           all due at one cron instant in the digests' time zone; the packaged api dispatches them
           and two workers send them. Measures from the instant until every run succeeded and the
           sink holds D*R distinct Message-IDs: runs/s, emails/s, p50/p99 of (finished - instant),
           worker CPU ms per run (/proc, and the kernel's share), PostgreSQL, Redis and sink CPU per run,
           the machine's busy CPU per run (/proc/stat), PostgreSQL transactions per run (pg_stat_database of the
           scratch database, less its idle rate), peak RSS of the api and the workers.
open-loop  run-now requests (POST /api/v1/digests/{id}/runs) at a fixed rate over keep-alive
           connections, each to another digest; p50/p99 from the request's planned send time to
           the run's finished_at, and whether any run was left to the re-publisher.
api        wrk (64 connections) against run-now and against digest creation, api alone: requests/s,
           latency p50/p99 and api CPU per request.
limits     what this machine's PostgreSQL does with only the job's SQL (statements read from the
           Java sources), with pgbench: one transaction per run, and one per statement.

Needs python3, psql, redis-cli, a JDK 17, PostgreSQL and Redis on localhost (trust auth for
postgres), the packaged services (./mvnw -B package -DskipTests -pl api-service,worker-service -am),
wrk for the api mode and pgbench for limits. Uses the scratch databases digest_bench_throughput and
digest_bench_limits (recreated), Redis database 10 (flushed) and streams named digest:bench:throughput:*.
Logs and JSON results go to api-service/target/bench/throughput/.
"""
import argparse
import asyncio
import datetime
import glob
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import zoneinfo

import benchlib
from benchlib import ROOT, free_port

DB = "digest_bench_throughput"
LIMITS_DB = "digest_bench_limits"
REDIS_DB = "10"
STREAM = "digest:bench:throughput:jobs"
GROUP = "digest-bench-throughput-workers"
DEAD = "digest:bench:throughput:dead"
CHANNEL = "digest:bench:throughput:events"
OUT = os.path.join(ROOT, "api-service", "target", "bench", "throughput")
SINK_SOURCE = os.path.join(ROOT, "deploy", "bench", "SmtpSink.java")
# The images' JAVA_OPTS (deploy/docker/Dockerfile.jvm) but the class-data archive, which only
# shortens start-up; MALLOC_ARENA_MAX=2 is set as the images set it.
DEFAULT_JVM = ("-XX:+UseSerialGC -Xmx96m -Xss512k -XX:ReservedCodeCacheSize=48m -XX:MaxMetaspaceSize=128m "
               "-XX:+ExitOnOutOfMemoryError")
CLK_TCK = os.sysconf("SC_CLK_TCK")

HTML = ("<h1>{digest.name}</h1>{#for g in groups}<h2>{g.name} ({g.count})</h2><ul>{#for e in g.events}"
        "<li>{e.line}</li>{/for}</ul>{#if g.more > 0}<p>and {g.more} more</p>{/if}{/for}"
        "<p><a href=\"{unsubscribeUrl}\">Unsubscribe</a></p>")
TEXT = "{#for g in groups}{g.name}: {g.count}\n{#for e in g.events}- {e.line}\n{/for}{/for}\nUnsubscribe: {unsubscribeUrl}\n"
TYPES = [("order.created", "Orders created"), ("order.shipped", "Orders shipped")]


def app_id(n):
    return f"00000000-0000-4000-8000-{n:012x}"


def digest_id(n):
    return f"00000000-0000-4000-9000-{n:012x}"


def template_id(n):
    return f"00000000-0000-4000-a000-{n:012x}"


def uuid_sql(prefix, expr):
    return f"('{prefix}-' || lpad(to_hex({expr}), 12, '0'))::uuid"


# ---- small helpers ---------------------------------------------------------------------------

def log(text):
    print(text, flush=True)


def pct(values, q):
    """Percentile with linear interpolation (as percentile_cont)."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def psql(sql, db=None):
    try:
        return benchlib.psql(sql, db or DB)
    except subprocess.CalledProcessError as e:
        sys.exit(f"psql failed: {e.stderr.strip()}\n{sql}")


def redis(*args):
    return subprocess.run(["redis-cli", "-h", "127.0.0.1", "-n", REDIS_DB, *args], check=True,
                          capture_output=True, text=True).stdout.strip()


def metric_sum(text, name, labels=""):
    """Sum of a Prometheus metric's samples whose labels contain LABELS (0 when absent)."""
    total = 0.0
    for match in re.finditer(r"^" + re.escape(name) + r"(\{[^}]*\})? ([0-9.eE+-]+|NaN)$", text, re.M):
        if labels in (match.group(1) or "") and match.group(2) != "NaN":
            total += float(match.group(2))
    return total


def metrics(port):
    try:
        return benchlib.http(port, "GET", "/q/metrics")
    except Exception as e:  # a service that died has no metrics; the figures say so
        return f"# unavailable: {e}"


class Psql:
    """One psql session kept open: a poll is one query, hence one transaction, on one connection."""

    def __init__(self, db):
        self.proc = subprocess.Popen(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-qAtX",
                                      "-v", "ON_ERROR_STOP=1"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, bufsize=1)
        self.queries = 0

    def query(self, sql):
        self.proc.stdin.write(sql.strip().rstrip(";") + ";\n\\echo __end__\n")
        self.proc.stdin.flush()
        self.queries += 1
        lines = []
        while True:
            line = self.proc.stdout.readline()
            if line == "":
                raise RuntimeError("psql: " + self.proc.stderr.read())
            if line.rstrip("\n") == "__end__":
                return lines
            lines.append(line.rstrip("\n"))

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def xacts(db):
    """Committed plus rolled back transactions of DB so far, read from another database."""
    return int(benchlib.psql(f"SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '{db}'",
                             "postgres"))


def cpu_ms(pid):
    with open(f"/proc/{pid}/stat") as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return (int(rest[11]) + int(rest[12])) * 1000.0 / CLK_TCK


def system_cpu_ms(pid):
    """The kernel's share of cpu_ms(PID): system calls (socket reads and writes) and the like."""
    with open(f"/proc/{pid}/stat") as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return int(rest[12]) * 1000.0 / CLK_TCK


def comm_cpu_ms(comm):
    """CPU of every process named COMM (postgres, redis-server) so far; one that exits meanwhile is lost,
    which leaves PostgreSQL's pooled backends and Redis counted."""
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/comm") as f:
                if f.read().strip() != comm:
                    continue
            total += cpu_ms(entry)
        except (FileNotFoundError, ProcessLookupError, IndexError):
            pass
    return total


def machine_cpu_ms():
    """(busy, all) CPU milliseconds of the whole machine so far, from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) * 1000.0 / CLK_TCK, sum(fields[:8]) * 1000.0 / CLK_TCK


def status_kb(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except FileNotFoundError:
        pass
    return 0


class Monitor(threading.Thread):
    """Samples the resident memory of processes every 0.2 s, keeping each one's peak."""

    def __init__(self, procs):
        super().__init__(daemon=True)
        self.procs = procs
        self.peak = {name: 0 for name in procs}
        self.stop_flag = threading.Event()

    def run(self):
        while not self.stop_flag.is_set():
            for name, proc in self.procs.items():
                self.peak[name] = max(self.peak[name], status_kb(proc.pid, "VmRSS"))
            self.stop_flag.wait(0.2)

    def reset(self):
        self.peak = {name: 0 for name in self.procs}

    def stop(self):
        self.stop_flag.set()
        self.join()


# ---- the processes ---------------------------------------------------------------------------

class Stack:
    """The sink, the api and the workers of one benchmark; everything it started is stopped on exit."""

    def __init__(self, args):
        self.args = args
        self.procs = {}
        self.ports = {}
        self.sink = None
        self.sink_ports = None
        os.makedirs(OUT, exist_ok=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        for proc in list(self.procs.values()) + ([self.sink] if self.sink else []):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in list(self.procs.values()) + ([self.sink] if self.sink else []):
            try:
                proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def start_sink(self):
        self.sink = start_sink("sink")
        self.sink_ports = self.sink.ports
        return self.sink_ports

    def queue_env(self):
        # The benchmark's own stream, group and channel, read by both services.
        return dict(DIGEST_QUEUE_STREAM=STREAM, DIGEST_QUEUE_GROUP=GROUP, DIGEST_QUEUE_DEAD_LETTER_STREAM=DEAD,
                    DIGEST_EVENTS_CHANNEL=CHANNEL, MALLOC_ARENA_MAX="2")

    def start_api(self):
        port = free_port()
        env = dict(self.queue_env(),
                   # The limits stay on (their cost is part of a request) but high enough never to refuse.
                   DIGEST_RATE_LIMIT_READ="1000000000", DIGEST_RATE_LIMIT_WRITE="1000000000",
                   DIGEST_RATE_LIMIT_ADMIN="1000000000", DIGEST_RATE_LIMIT_INGEST="1000000000",
                   **env_pairs(self.args.api_env))
        proc = benchlib.start_api("api", port, OUT, DB, REDIS_DB, jvm_opts=self.args.jvm_opts.split(), **env)
        self.procs["api"], self.ports["api"] = proc, port
        benchlib.wait_ready(port, proc, timeout=180)
        return port

    def start_workers(self, count):
        names = []
        for i in range(1, count + 1):
            name = f"worker-{i}"
            port = free_port()
            env = dict(self.queue_env(), QUARKUS_MAILER_HOST="127.0.0.1",
                       QUARKUS_MAILER_PORT=str(self.sink_ports["smtp"]),
                       DIGEST_WORKER_CONSUMER_NAME=f"bench-{name}", **env_pairs(self.args.worker_env))
            proc = benchlib.start_api(name, port, OUT, DB, REDIS_DB, jar=benchlib.WORKER_JAR,
                                      jvm_opts=self.args.jvm_opts.split(), **env)
            self.procs[name], self.ports[name] = proc, port
            names.append(name)
        for name in names:
            benchlib.wait_ready(self.ports[name], self.procs[name], timeout=180)
        return names

    def workers(self):
        return [name for name in self.procs if name.startswith("worker")]

    def check_alive(self):
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                sys.exit(f"{name} exited with {proc.returncode}; see {proc.log}")


def env_pairs(pairs):
    env = {}
    for pair in pairs or []:
        key, _, value = pair.partition("=")
        env[key] = value
    return env


def start_sink(name):
    os.makedirs(OUT, exist_ok=True)
    log_path = os.path.join(OUT, f"{name}.log")
    proc = subprocess.Popen(["java", "-Xmx1g", "-XX:+ExitOnOutOfMemoryError", SINK_SOURCE, "--port", "0",
                             "--control-port", "0"], stdout=subprocess.PIPE, stderr=open(log_path, "w"), text=True)
    line = proc.stdout.readline()
    match = re.search(r"smtp=(\d+) control=(\d+)", line)
    if not match:
        proc.kill()
        sys.exit(f"the SMTP sink did not start (said {line!r}); see {log_path}")
    proc.ports = {"smtp": int(match.group(1)), "control": int(match.group(2))}
    proc.log = log_path
    return proc


def sink_command(ports, command="stats"):
    with socket.create_connection(("127.0.0.1", ports["control"]), timeout=60) as s:
        s.sendall((command + "\n").encode())
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    return json.loads(data)


def require_jars():
    for jar in (benchlib.JAR, benchlib.WORKER_JAR):
        if not os.path.isfile(jar):
            sys.exit(f"{jar} is missing: ./mvnw -B package -DskipTests -pl api-service,worker-service -am")


def fresh_state():
    benchlib.recreate_database(DB)
    redis("FLUSHDB")


# ---- seeding ---------------------------------------------------------------------------------

def seed(digests, recipients, events, applications, first_app=1, first_digest=1):
    """Applications (each with two event types, an email template and EVENTS events received in the
    last hour) and DIGESTS disabled digests with RECIPIENTS recipients each, straight into the schema
    the services migrated. Digest n belongs to application first_app + (n - first_digest) % applications."""
    apps = f"generate_series({first_app}, {first_app + applications - 1})"
    types = ", ".join(f"('{key}', '{name}')" for key, name in TYPES)
    step = f"interval '50 minutes' / {max(events, 1)}"
    psql(f"""
        INSERT INTO digest_applications (id, name, slug)
        SELECT {uuid_sql('00000000-0000-4000-8000', 'a')}, 'Bench ' || a, 'bench-' || a FROM {apps} a;
        INSERT INTO digest_event_types (application_id, key, name, line_template)
        SELECT {uuid_sql('00000000-0000-4000-8000', 'a')}, t.key, t.name, 'Order {{payload.n}}: {{payload.text}}'
        FROM {apps} a CROSS JOIN (VALUES {types}) AS t(key, name);
        INSERT INTO digest_email_templates (id, application_id, name, subject, html_body, text_body)
        SELECT {uuid_sql('00000000-0000-4000-a000', 'a')}, {uuid_sql('00000000-0000-4000-8000', 'a')}, 'Bench',
               '{{digest.name}}: {{eventCount}} events', $html${HTML}$html$, $text${TEXT}$text$
        FROM {apps} a;
        INSERT INTO digest_webhook_events (application_id, event_type_key, payload, occurred_at, received_at)
        SELECT {uuid_sql('00000000-0000-4000-8000', 'a')}, CASE WHEN n % 2 = 0 THEN '{TYPES[0][0]}' ELSE '{TYPES[1][0]}' END,
               jsonb_build_object('n', n, 'text', 'order number ' || n || ' of application ' || a),
               now() - interval '1 hour' + n * {step}, now() - interval '1 hour' + n * {step}
        FROM {apps} a, generate_series(1, {events}) n;
        INSERT INTO digest_digests (id, application_id, name, cron, time_zone, recipients, email_template_id, enabled)
        SELECT {uuid_sql('00000000-0000-4000-9000', 'g')},
               {uuid_sql('00000000-0000-4000-8000', f'{first_app} + (g - {first_digest}) % {applications}')},
               'Bench digest ' || g, '0 0 8 1 1 ?', 'Europe/Paris',
               ARRAY(SELECT 'user' || g || '-' || r || '@bench.example' FROM generate_series(1, {recipients}) r),
               {uuid_sql('00000000-0000-4000-a000', f'{first_app} + (g - {first_digest}) % {applications}')}, false
        FROM generate_series({first_digest}, {first_digest + digests - 1}) g;
        ANALYZE;
    """)


def app_key(api_port, app=1):
    return benchlib.http(api_port, "POST", f"/api/v1/applications/{app_id(app)}/api-keys",
                         {"name": "bench", "scopes": ["read", "write"]})["key"]


# ---- HTTP load (asyncio, raw HTTP/1.1 keep-alive) --------------------------------------------

async def read_response(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            headers[key.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            body += chunk[:-2]
    else:
        body = b""
    return status, headers, body


async def fire(port, key, ids, rate, count, max_connections=512):
    """COUNT run-now requests, request i to digest ids[i % len(ids)], at RATE a second (None: as fast as
    8 connections go). Returns one record per request: planned, sent and answered times (epoch seconds),
    status and run id."""
    records = [None] * count
    idle = []
    connections = asyncio.Semaphore(max_connections)
    opened = 0

    async def one(i, planned):
        nonlocal opened
        async with connections:
            conn = idle.pop() if idle else None
            if conn is None:
                try:
                    conn = await asyncio.open_connection("127.0.0.1", port)
                except OSError:
                    records[i] = (planned, time.time(), time.time(), 0, None)
                    return
                opened += 1
            reader, writer = conn
            request = (f"POST /api/v1/digests/{ids[i % len(ids)]}/runs HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                       f"Authorization: Bearer {key}\r\nContent-Length: 0\r\n\r\n").encode()
            sent = time.time()
            try:
                writer.write(request)
                status, headers, body = await read_response(reader)
            except (OSError, asyncio.IncompleteReadError):
                records[i] = (planned, sent, time.time(), 0, None)
                writer.close()
                return
            answered = time.time()
            run = None
            if status == 202:
                try:
                    run = json.loads(body)["id"]
                except (ValueError, KeyError):
                    pass
            records[i] = (planned, sent, answered, status, run)
            if headers.get("connection", "").lower() == "close":
                writer.close()
            else:
                idle.append(conn)

    tasks = []
    start = time.time() + 0.2
    if rate is None:
        queue = list(range(count))

        async def closed_loop():
            while queue:
                i = queue.pop()
                await one(i, time.time())
        await asyncio.gather(*(closed_loop() for _ in range(8)))
    else:
        for i in range(count):
            planned = start + i / rate
            delay = planned - time.time()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.ensure_future(one(i, planned)))
        await asyncio.gather(*tasks)
    for reader, writer in idle:
        writer.close()
    return records, opened


def wait_runs_finished(poll, trigger, expected, timeout, label):
    deadline = time.time() + timeout
    while True:
        row = poll.query(f"SELECT count(*), count(*) FILTER (WHERE finished_at IS NOT NULL) FROM digest_runs "
                         f"WHERE trigger = '{trigger}'")[0].split("|")
        total, finished = int(row[0]), int(row[1])
        if total >= expected and finished >= total:
            return True
        if time.time() > deadline:
            log(f"  {label}: {finished} of {total} runs finished after {timeout} s; giving up waiting")
            return False
        time.sleep(0.5)


# ---- sink ------------------------------------------------------------------------------------

def cmd_sink(args):
    sink = start_sink("sink-check")
    results = {}
    try:
        if args.warmup_messages:  # the sink's JIT warmed up first, not measured
            subprocess.run(["java", SINK_SOURCE, "--check", "--port", str(sink.ports["smtp"]), "--connections",
                            str(args.connections), "--messages", str(args.warmup_messages), "--size", str(args.size)],
                           check=True, capture_output=True)
        for pipelining in (False, True):
            command = ["java", SINK_SOURCE, "--check", "--port", str(sink.ports["smtp"]), "--control-port",
                       str(sink.ports["control"]), "--connections", str(args.connections), "--messages",
                       str(args.messages), "--size", str(args.size)] + (["--pipelining"] if pipelining else [])
            before = sink_command(sink.ports)
            cpu_before = cpu_ms(sink.pid)
            out = subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip().splitlines()
            client = json.loads(out[0])
            stats = sink_command(sink.ports)
            accepted = stats["messages"] - before["messages"]
            distinct = stats["distinctMessageIds"] - before["distinctMessageIds"]
            results["pipelining" if pipelining else "lock-step"] = dict(
                client, accepted=accepted, distinctMessageIds=distinct,
                sinkCpuMsPerMessage=(cpu_ms(sink.pid) - cpu_before) / max(accepted, 1))
    finally:
        sink.terminate()
        sink.wait()
    log(f"SMTP sink alone: {args.messages} messages of about {args.size} bytes, one recipient each, "
        f"{args.connections} connections, client on the same machine")
    log(f"{'client':<40} {'messages/s':>11} {'seconds':>8} {'accepted':>9} {'distinct ids':>13} {'sink CPU ms/msg':>16}")
    for name, r in results.items():
        label = ("pipelined (MAIL+RCPT+DATA in one write)" if name == "pipelining"
                 else "lock-step (one command per round trip)")
        log(f"{label:<40} {r['perSecond']:>11,.0f} {r['seconds']:>8.2f} {r['accepted']:>9} {r['distinctMessageIds']:>13}"
            f" {r['sinkCpuMsPerMessage']:>16.3f}")
    write_json(args, "sink", results)
    ok = all(r["accepted"] == args.messages and r["distinctMessageIds"] == args.messages for r in results.values())
    if not ok:
        log("PROBLEM: the sink did not count every message")
    return ok


# ---- burst -----------------------------------------------------------------------------------

def due_instant(at, lead):
    """The cron instant and its Quartz expression: AT is 'Zone' (the first whole second LEAD seconds
    from now) or 'Zone HH:MM' (its next occurrence, at least LEAD seconds away)."""
    parts = at.split()
    zone = zoneinfo.ZoneInfo(parts[0])
    now = datetime.datetime.now(datetime.timezone.utc)
    if len(parts) == 1:
        instant = (now + datetime.timedelta(seconds=lead)).replace(microsecond=0) + datetime.timedelta(seconds=1)
    else:
        hour, minute = (int(x) for x in parts[1].split(":"))
        local = (now + datetime.timedelta(seconds=lead)).astimezone(zone)
        candidate = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
        if candidate < local:
            candidate += datetime.timedelta(days=1)
        instant = candidate.astimezone(datetime.timezone.utc)
    local = instant.astimezone(zone)
    return instant, f"{local.second} {local.minute} {local.hour} * * ?", parts[0], local


def cmd_burst(args):
    require_jars()
    d, r, e = args.digests, args.recipients, args.events
    applications = args.applications or max(1, math.ceil(d / 1000))
    fresh_state()
    with Stack(args) as stack:
        sink = stack.start_sink()
        api_port = stack.start_api()
        workers = stack.start_workers(args.workers)
        log(f"api and {len(workers)} workers up (JVM options: {args.jvm_opts}); seeding {d} digests x {r} recipients, "
            f"{e} events each, over {applications} applications ...")
        started = time.time()
        seed(d, r, e, applications)
        log(f"  seeded in {time.time() - started:.1f} s")

        if args.warmup_runs:
            warm_up(stack, api_port, args.warmup_runs, r, e, applications + 1, d + 1)
        if args.warmup_burst:
            warm_burst(stack, args, args.warmup_burst, r, e, applications + 2, d + args.warmup_runs + 1)
        # The measured runs: the scheduled runs of digests 1..D (a warm-up burst's digests come after).
        measured = f"trigger = 'scheduled' AND digest_id <= '{digest_id(d)}'"
        measured_r = f"r.trigger = 'scheduled' AND r.digest_id <= '{digest_id(d)}'"

        instant, cron, zone, local = due_instant(args.at, args.lead)
        if (instant - datetime.datetime.now(datetime.timezone.utc)).total_seconds() > args.max_wait:
            sys.exit(f"{local:%Y-%m-%d %H:%M:%S %Z} is more than --max-wait {args.max_wait} s away; "
                     f"use --at '{zone}' for the next seconds, or a larger --max-wait")
        psql(f"UPDATE digest_digests SET enabled = true, cron = '{cron}', time_zone = '{zone}', "
             f"next_run_at = '{instant.isoformat()}' WHERE id <= '{digest_id(d)}'; ANALYZE digest_digests;")
        t0 = instant.timestamp()
        log(f"all {d} digests due at {local:%H:%M:%S} {zone} ({instant:%H:%M:%S} UTC; cron '{cron}'), "
            f"in {t0 - time.time():.0f} s")

        # The idle rate of transactions (dispatcher ticks, re-publisher, reconciler), to take out later; measured
        # once the warm-up's transactions are all in the statistics (idle sessions report within 10 s).
        time.sleep(max(0.0, min(11.0, t0 - time.time() - 8)))
        idle_window = min(15.0, max(0.0, t0 - time.time() - 3))
        idle_from, x_idle0 = time.time(), xacts(DB)
        time.sleep(idle_window)
        idle_rate = (xacts(DB) - x_idle0) / max(time.time() - idle_from, 1e-9) if idle_window >= 5 else 0.0

        monitor = Monitor(stack.procs)
        time.sleep(max(0.0, t0 - 1 - time.time()))
        x0, x0_at = xacts(DB), time.time()
        cpu0 = {name: cpu_ms(p.pid) for name, p in stack.procs.items()}
        sys0 = {name: system_cpu_ms(p.pid) for name, p in stack.procs.items()}
        sink_cpu0 = cpu_ms(stack.sink.pid)
        pg_cpu0, redis_cpu0, machine0 = comm_cpu_ms("postgres"), comm_cpu_ms("redis-server"), machine_cpu_ms()
        monitor.start()
        poll = Psql(DB)
        expected = d * r
        deadline = t0 + args.timeout
        done_at = None
        last_log = 0
        while True:
            stack.check_alive()
            row = poll.query("SELECT count(*) FILTER (WHERE status = 'succeeded'), "
                             "count(*) FILTER (WHERE status IN ('failed', 'dead', 'skipped', 'cancelled')), count(*) "
                             f"FROM digest_runs WHERE {measured}")[0].split("|")
            succeeded, bad, total = (int(x) for x in row)
            stats = sink_command(sink)
            now = time.time()
            if now - last_log >= args.progress:
                log(f"  t+{now - t0:5.1f} s: runs {total} created, {succeeded} succeeded, {bad} failed/other; "
                    f"sink {stats['distinctMessageIds']} distinct of {expected}")
                last_log = now
            if succeeded + bad >= d and stats["distinctMessageIds"] >= expected - (bad * r):
                done_at = now
                break
            if now > deadline:
                log(f"  timed out after {args.timeout} s")
                break
            time.sleep(0.25 if d <= 20000 else 1.0)
        cpu1 = {name: cpu_ms(p.pid) for name, p in stack.procs.items()}
        sys1 = {name: system_cpu_ms(p.pid) for name, p in stack.procs.items()}
        sink_cpu = cpu_ms(stack.sink.pid) - sink_cpu0
        pg_cpu, redis_cpu = comm_cpu_ms("postgres") - pg_cpu0, comm_cpu_ms("redis-server") - redis_cpu0
        machine1 = machine_cpu_ms()
        monitor.stop()
        poll.close()
        texts = {name: metrics(port) for name, port in stack.ports.items()}
        hwm = {name: status_kb(p.pid, "VmHWM") for name, p in stack.procs.items()}
        stats = sink_command(sink)
        # Transactions: wait out the servers' statistics flush (idle sessions report within 10 s), before
        # this script's own queries below; the poll session's queries and its start are taken out.
        time.sleep(11)
        x1, x1_at = xacts(DB), time.time()
        background = idle_rate * (x1_at - x0_at)
        tx_total = x1 - x0 - poll.queries - 1

        row = psql(f"""
            SELECT count(*), count(*) FILTER (WHERE status = 'succeeded'),
                   extract(epoch FROM max(finished_at)),
                   percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - scheduled_for)),
                   max(extract(epoch FROM finished_at - scheduled_for)),
                   percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM enqueued_at - scheduled_for)),
                   percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - scheduled_for)),
                   count(*) FILTER (WHERE claims > 1), count(*) FILTER (WHERE attempts > 1),
                   count(*) FILTER (WHERE stream_message_id IS NULL)
            FROM digest_runs WHERE {measured}""").split("|")
        runs, ok_runs = int(row[0]), int(row[1])
        last_finish = float(row[2]) if row[2] else float("nan")
        fin = json.loads(row[3].replace("{", "[").replace("}", "]")) if row[3] else [float("nan")] * 2
        fin_max = float(row[4]) if row[4] else float("nan")
        enq = json.loads(row[5].replace("{", "[").replace("}", "]")) if row[5] else [float("nan")] * 2
        start = json.loads(row[6].replace("{", "[").replace("}", "]")) if row[6] else [float("nan")] * 2
        reclaimed, retried, unpublished = int(row[7]), int(row[8]), int(row[9])
        logs = psql(f"""SELECT count(*), count(*) FILTER (WHERE l.status = 'sent'), count(DISTINCT l.provider_message_id)
                       FROM digest_email_logs l JOIN digest_runs r ON r.id = l.run_id
                       WHERE {measured_r}""").split("|")
        ids_path = os.path.join(OUT, "sink-ids.txt")
        sink_command(sink, f"ids {ids_path}")
        sink_ids = set(open(ids_path).read().split())
        db_ids = set(psql(f"""SELECT l.provider_message_id FROM digest_email_logs l JOIN digest_runs r ON r.id = l.run_id
                             WHERE {measured_r} AND l.provider_message_id IS NOT NULL""").split())
        missing = len(db_ids - sink_ids)

        finished = max(last_finish, stats["lastAtMillis"] / 1000.0) if not math.isnan(last_finish) else float("nan")
        seconds = finished - t0
        worker_cpu = sum(cpu1[w] - cpu0[w] for w in workers)
        deferred = metric_sum(texts["api"], "digest_jobs_enqueued_total", 'result="deferred"')
        reconciler = sum(metric_sum(texts[w], "digest_reconciler_actions_total") for w in workers)
        sink_span = (stats["lastAtMillis"] - stats["firstAtMillis"]) / 1000.0

    result = dict(
        mode="burst", digests=d, recipients=r, events=e, applications=applications, workers=len(workers),
        jvmOptions=args.jvm_opts, workerEnv=args.worker_env, apiEnv=args.api_env, warmupRuns=args.warmup_runs,
        warmupBurst=args.warmup_burst, instant=instant.isoformat(), zone=zone, cron=cron,
        runs=runs, succeeded=ok_runs, emailsLogged=int(logs[0]), emailsSent=int(logs[1]),
        sink=stats, loggedIdsMissingFromSink=missing,
        seconds=seconds, runsPerSecond=ok_runs / seconds, emailsPerSecond=stats["distinctMessageIds"] / seconds,
        finishedP50=fin[0], finishedP99=fin[1], finishedMax=fin_max,
        onStreamP50=enq[0], onStreamP99=enq[1], startedP50=start[0], startedP99=start[1],
        workerCpuMsPerRun=worker_cpu / max(ok_runs, 1),
        workerCpuMs={w: cpu1[w] - cpu0[w] for w in workers},
        workerSystemCpuMsPerRun=sum(sys1[w] - sys0[w] for w in workers) / max(ok_runs, 1), apiCpuMsPerRun=(cpu1["api"] - cpu0["api"]) / max(ok_runs, 1),
        pgTransactions=tx_total, pgBackground=background, pgIdleRatePerSecond=idle_rate,
        pgTransactionsPerRun=(tx_total - background) / max(ok_runs, 1),
        peakRssMb={name: kb / 1024 for name, kb in monitor.peak.items()},
        hwmRssMb={name: kb / 1024 for name, kb in hwm.items()},
        runsReclaimed=reclaimed, runsRetried=retried, runsWithoutStreamId=unpublished,
        apiDeferred=deferred, reconcilerActions=reconciler,
        sinkObservedPerSecond=stats["messages"] / sink_span if sink_span > 0 else float("nan"),
        sinkCpuMsPerMessage=sink_cpu / max(stats["messages"], 1),
        sinkCpuMsPerRun=sink_cpu / max(ok_runs, 1),
        postgresCpuMsPerRun=pg_cpu / max(ok_runs, 1), redisCpuMsPerRun=redis_cpu / max(ok_runs, 1),
        machineBusyMsPerRun=(machine1[0] - machine0[0]) / max(ok_runs, 1),
        machineBusyShare=(machine1[0] - machine0[0]) / max(machine1[1] - machine0[1], 1e-9),
    )
    checks = {
        "every run succeeded": ok_runs == d and runs == d,
        f"sink holds {d * r} distinct Message-IDs": stats["distinctMessageIds"] == d * r,
        "no duplicate email": stats["duplicateMessageIds"] == 0 and stats["messages"] == d * r,
        "every logged Message-ID reached the sink": missing == 0 and len(db_ids) == d * r,
    }
    result["checks"] = checks
    worker_rss = max(v for k, v in result["peakRssMb"].items() if k.startswith("worker"))
    targets = {"runs/s >= 1,000": result["runsPerSecond"] >= 1000,
               "emails/s >= 3,000": result["emailsPerSecond"] >= 3000,
               "worker CPU <= 2 ms per run": result["workerCpuMsPerRun"] <= 2,
               "PostgreSQL transactions <= 3 per run": result["pgTransactionsPerRun"] <= 3,
               "worker RSS <= 200 MB": worker_rss <= 200}
    if d >= 100_000:
        targets[f"{d * r:,} emails within 3 minutes of the instant"] = seconds <= 180
    result["targets"] = targets
    print_burst(result)
    write_json(args, "burst", result)
    return all(checks.values())


def print_burst(x):
    w = x["workers"]
    log("")
    log(f"burst: {x['digests']:,} digests x {x['recipients']} recipients, {x['events']} events each, due at one instant "
        f"({x['cron']} {x['zone']}); api + {w} workers")
    rows = [
        ("instant -> all succeeded and in the sink", f"{x['seconds']:.2f} s"),
        ("runs/s", f"{x['runsPerSecond']:,.0f}"),
        ("emails/s", f"{x['emailsPerSecond']:,.0f}"),
        ("instant -> run finished p50 / p99 / max", f"{x['finishedP50']:.2f} / {x['finishedP99']:.2f} / {x['finishedMax']:.2f} s"),
        ("instant -> job on the stream p50 / p99", f"{x['onStreamP50']:.2f} / {x['onStreamP99']:.2f} s"),
        ("instant -> run claimed p50 / p99", f"{x['startedP50']:.2f} / {x['startedP99']:.2f} s"),
        ("worker CPU per run (both workers)", f"{x['workerCpuMsPerRun']:.2f} ms  "
                                              f"(in the kernel {x['workerSystemCpuMsPerRun']:.2f} ms)"),
        ("api CPU per run (dispatch)", f"{x['apiCpuMsPerRun']:.2f} ms"),
        ("PostgreSQL / Redis / sink CPU per run", f"{x['postgresCpuMsPerRun']:.2f} / {x['redisCpuMsPerRun']:.2f} / "
                                                   f"{x['sinkCpuMsPerRun']:.2f} ms"),
        ("machine CPU per run (busy share of both cores)", f"{x['machineBusyMsPerRun']:.2f} ms  "
                                                            f"({100 * x['machineBusyShare']:.0f} % busy)"),
        ("PostgreSQL transactions per run", f"{x['pgTransactionsPerRun']:.2f}  ({x['pgTransactions']:,} in all, "
                                            f"{x['pgBackground']:.0f} of them idle background)"),
        ("peak RSS api / workers", f"{x['peakRssMb']['api']:.0f} / "
                                   + " / ".join(f"{x['peakRssMb'][f'worker-{i}']:.0f}" for i in range(1, w + 1))
                                   + " MB  (VmHWM since start " + f"{x['hwmRssMb']['api']:.0f} / "
                                   + " / ".join(f"{x['hwmRssMb'][f'worker-{i}']:.0f}" for i in range(1, w + 1)) + " MB)"),
        ("sink: messages, distinct Message-IDs, duplicates", f"{x['sink']['messages']:,}, {x['sink']['distinctMessageIds']:,}, "
                                                           f"{x['sink']['duplicateMessageIds']}"),
        ("sink rate while it received", f"{x['sinkObservedPerSecond']:,.0f} messages/s"),
        ("runs succeeded / email logs sent", f"{x['succeeded']:,} / {x['emailsSent']:,}"),
        ("runs claimed more than once / retried", f"{x['runsReclaimed']} / {x['runsRetried']}"),
        ("left to the re-publisher (api deferred) / reconciler repairs", f"{x['apiDeferred']:.0f} / {x['reconcilerActions']:.0f}"),
    ]
    for name, value in rows:
        log(f"  {name:<58} {value}")
    for name, ok in x["checks"].items():
        log(f"  {'ok  ' if ok else 'FAIL'} {name}")
    print_targets(x["targets"])


def print_targets(targets):
    """The issue's targets, for the reader; they do not change the exit status (the checks do)."""
    log("  targets: " + "; ".join(f"{name} {'met' if ok else 'MISSED'}" for name, ok in targets.items()))


# ---- open loop -------------------------------------------------------------------------------

def warm_up(stack, api_port, count, recipients, events, first_app, first_digest):
    """COUNT run-now runs of digests of an application of their own, as fast as 8 connections go, so the JVMs
    are warm; the measured digests are left untouched. Returns when every one finished."""
    seed(count, recipients, events, 1, first_app=first_app, first_digest=first_digest)
    key = app_key(api_port, first_app)
    started = time.time()
    asyncio.run(fire(api_port, key, [digest_id(n) for n in range(first_digest, first_digest + count)], None, count))
    poll = Psql(DB)
    wait_runs_finished(poll, "manual", count, 300, "warm-up")
    poll.close()
    log(f"  warm-up: {count} run-now runs of other digests finished in {time.time() - started:.1f} s")
    sink_command(stack.sink_ports, "reset")


def warm_burst(stack, args, count, recipients, events, first_app, first_digest):
    """A burst of COUNT other digests due at one instant, waited for, so the JVMs have compiled the
    burst's own paths (batches of many runs) as a worker that has been up a while has; the measured
    digests are left untouched."""
    seed(count, recipients, events, max(1, math.ceil(count / 1000)), first_app=first_app, first_digest=first_digest)
    instant, cron, zone, local = due_instant(args.at.split()[0], 15)
    psql(f"UPDATE digest_digests SET enabled = true, cron = '{cron}', time_zone = '{zone}', "
         f"next_run_at = '{instant.isoformat()}' WHERE id BETWEEN '{digest_id(first_digest)}' "
         f"AND '{digest_id(first_digest + count - 1)}'")
    poll = Psql(DB)
    started = time.time()
    deadline = instant.timestamp() + args.timeout
    while True:
        row = poll.query(f"SELECT count(*) FILTER (WHERE finished_at IS NOT NULL) FROM digest_runs "
                         f"WHERE trigger = 'scheduled' AND digest_id >= '{digest_id(first_digest)}'")[0]
        if int(row) >= count or time.time() > deadline:
            break
        time.sleep(0.5)
    poll.close()
    psql(f"UPDATE digest_digests SET enabled = false WHERE id >= '{digest_id(first_digest)}'")
    log(f"  warm-up burst: {row} of {count} scheduled runs of other digests finished "
        f"{time.time() - instant.timestamp():.1f} s after their instant ({time.time() - started:.1f} s in all)")
    sink_command(stack.sink_ports, "reset")


def counters(stack):
    """What the api left to the re-publisher, and what the reconcilers repaired, so far."""
    texts = {name: metrics(port) for name, port in stack.ports.items()}
    return (metric_sum(texts["api"], "digest_jobs_enqueued_total", 'result="deferred"'),
            sum(metric_sum(texts[w], "digest_reconciler_actions_total") for w in stack.workers()))


def cmd_open_loop(args):
    require_jars()
    total = int(args.rate * (args.seconds + args.warmup))
    digests = args.digests or total
    fresh_state()
    with Stack(args) as stack:
        sink = stack.start_sink()
        api_port = stack.start_api()
        workers = stack.start_workers(args.workers)
        seed(digests, args.recipients, args.events, 1)
        key = app_key(api_port)
        ids = [digest_id(n) for n in range(1, digests + 1)]
        log(f"api and {len(workers)} workers up; {digests} digests x {args.recipients} recipients, {args.events} events; "
            f"{total} run-now requests at {args.rate}/s ({args.warmup} s not measured, then {args.seconds} s measured)")
        if args.warmup_runs:
            warm_up(stack, api_port, args.warmup_runs, args.recipients, args.events, 2, digests + 1)
        deferred0, reconciler0 = counters(stack)
        monitor = Monitor(stack.procs)
        monitor.start()
        cpu0 = {name: cpu_ms(p.pid) for name, p in stack.procs.items()}
        records, opened = asyncio.run(fire(api_port, key, ids, args.rate, total, args.max_connections))
        poll = Psql(DB)
        wait_runs_finished(poll, "manual", args.warmup_runs + sum(1 for rec in records if rec and rec[3] == 202), 120,
                           "open loop")
        poll.close()
        cpu1 = {name: cpu_ms(p.pid) for name, p in stack.procs.items()}
        monitor.stop()
        deferred1, reconciler1 = counters(stack)
        deferred, reconciler = deferred1 - deferred0, reconciler1 - reconciler0
        stats = sink_command(sink)
        # A run the api published got its message within the publish timeout (2 s) of being created; one left to
        # the re-publisher got it after the publish grace (15 s by default): more than 5 s means the latter.
        rows = psql(f"""SELECT id, coalesce(extract(epoch FROM finished_at)::text, ''), status, claims, attempts,
                               coalesce(extract(epoch FROM enqueued_at - created_at) > 5, true)
                        FROM digest_runs WHERE trigger = 'manual' AND digest_id <= '{digest_id(digests)}'""").splitlines()

    runs = {}
    for line in rows:
        run, finished, status, claims, attempts, late = line.split("|")
        runs[run] = (float(finished) if finished else None, status, int(claims), int(attempts), late == "t")
    measure_from = records[0][0] + args.warmup if records and records[0] else 0
    measured = [rec for rec in records if rec and rec[0] >= measure_from]
    statuses = {}
    for rec in measured:
        statuses[rec[3]] = statuses.get(rec[3], 0) + 1
    to_finish, responses, send_lag, unfinished, not_ok, reclaimed, late_published = [], [], [], 0, 0, 0, 0
    for planned, sent, answered, status, run in measured:
        responses.append(answered - planned)
        send_lag.append(sent - planned)
        if status != 202:
            continue
        finished, run_status, claims, attempts, late = runs.get(run, (None, None, 0, 0, False))
        late_published += late
        if finished is None:
            unfinished += 1
            continue
        if run_status != "succeeded":
            not_ok += 1
        if claims > 1:
            reclaimed += 1
        to_finish.append(finished - planned)
    achieved = len(measured) / max((measured[-1][1] - measured[0][1]) if len(measured) > 1 else 1, 1e-9)
    ok_runs = sum(1 for v in runs.values() if v[1] == "succeeded")
    result = dict(
        mode="open-loop", rate=args.rate, seconds=args.seconds, warmup=args.warmup, digests=digests,
        recipients=args.recipients, events=args.events, workers=len(workers), jvmOptions=args.jvm_opts,
        workerEnv=args.worker_env, apiEnv=args.api_env, requests=len(measured), achievedRate=achieved, statuses=statuses,
        connectionsOpened=opened,
        finishedP50=pct(to_finish, 0.5), finishedP99=pct(to_finish, 0.99), finishedMax=max(to_finish, default=float("nan")),
        responseP50=pct(responses, 0.5), responseP99=pct(responses, 0.99),
        sendLagP99=pct(send_lag, 0.99), sendLagMax=max(send_lag, default=float("nan")),
        unfinished=unfinished, notSucceeded=not_ok, reclaimed=reclaimed, publishedLate=late_published,
        apiDeferred=deferred, reconcilerActions=reconciler, warmupRuns=args.warmup_runs,
        runsAll=len(runs), runsSucceededAll=ok_runs, sink=stats,
        apiCpuMsPerRequest=(cpu1["api"] - cpu0["api"]) / max(len(records), 1),
        workerCpuMsPerRun=sum(cpu1[w] - cpu0[w] for w in workers) / max(ok_runs, 1),
        peakRssMb={name: kb / 1024 for name, kb in monitor.peak.items()},
    )
    checks = {
        "every request answered 202": statuses.get(202, 0) == len(measured),
        "every run succeeded": ok_runs == len(runs) == sum(1 for rec in records if rec and rec[3] == 202),
        "no run left to the re-publisher, no reconciler repair": deferred == 0 and reconciler == 0 and late_published == 0,
        "sink holds every email once": stats["distinctMessageIds"] == ok_runs * args.recipients
                                       and stats["duplicateMessageIds"] == 0,
    }
    result["checks"] = checks
    limit_ms = 25 if args.rate <= 200 else 100
    result["targets"] = {f"p99 request -> finished <= {limit_ms} ms at {args.rate:g}/s": result["finishedP99"] * 1000 <= limit_ms,
                         "no run left to the re-publisher": deferred == 0 and late_published == 0}
    log("")
    log(f"open loop: run-now at {args.rate}/s for {args.seconds} s (after {args.warmup} s warm-up), each to another digest "
        f"of {args.recipients} recipients, {args.events} events; api + {len(workers)} workers")
    for name, value in [
        ("requests measured (achieved rate)", f"{len(measured):,} ({achieved:,.0f}/s), statuses {statuses}"),
        ("request -> run finished p50 / p99 / max", f"{result['finishedP50'] * 1000:.1f} / {result['finishedP99'] * 1000:.1f}"
                                                    f" / {result['finishedMax'] * 1000:.1f} ms"),
        ("request -> 202 answer p50 / p99", f"{result['responseP50'] * 1000:.1f} / {result['responseP99'] * 1000:.1f} ms"),
        ("generator late p99 / max (planned -> sent)", f"{result['sendLagP99'] * 1000:.1f} / {result['sendLagMax'] * 1000:.1f} ms"),
        ("runs unfinished / not succeeded / claimed twice", f"{unfinished} / {not_ok} / {reclaimed}"),
        ("left to the re-publisher: measured runs / api deferred / reconciler repairs",
         f"{late_published} / {deferred:.0f} / {reconciler:.0f}"),
        ("api CPU per request / worker CPU per run", f"{result['apiCpuMsPerRequest']:.2f} / {result['workerCpuMsPerRun']:.2f} ms"),
        ("peak RSS api / workers", " / ".join(f"{v:.0f}" for v in result["peakRssMb"].values()) + " MB"),
        ("sink: messages, distinct, duplicates", f"{stats['messages']:,}, {stats['distinctMessageIds']:,}, "
                                                 f"{stats['duplicateMessageIds']}"),
    ]:
        log(f"  {name:<58} {value}")
    for name, ok in checks.items():
        log(f"  {'ok  ' if ok else 'FAIL'} {name}")
    print_targets(result["targets"])
    write_json(args, f"open-loop-{args.rate:g}", result)
    return all(checks.values())


# ---- api -------------------------------------------------------------------------------------

WRK_DONE = """
function done(summary, latency, requests)
  io.write(string.format('{"requests":%d,"durationMicros":%d,"connectErrors":%d,"readErrors":%d,' ..
    '"writeErrors":%d,"statusErrors":%d,"timeouts":%d,"p50Micros":%d,"p90Micros":%d,"p99Micros":%d,' ..
    '"maxMicros":%d,"meanMicros":%.1f}\\n', summary.requests, summary.duration, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
"""


def wrk_script(kind, key, ids_path, template):
    head = f"""
local key = "{key}"
local counter = 0
offset = 0
local threads = 0
function setup(thread)
  thread:set("offset", threads * 1000003)
  threads = threads + 1
end
"""
    if kind == "run-now":
        return head + f"""
local ids = {{}}
for line in io.lines("{ids_path}") do ids[#ids + 1] = line end
local headers = {{["Authorization"] = "Bearer " .. key, ["Content-Length"] = "0"}}
function request()
  counter = counter + 1
  return wrk.format("POST", "/api/v1/digests/" .. ids[((counter + offset) % #ids) + 1] .. "/runs", headers, nil)
end
""" + WRK_DONE
    return head + f"""
local headers = {{["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json"}}
function request()
  counter = counter + 1
  local body = '{{"name":"api bench ' .. offset .. '-' .. counter .. '","cron":"0 0 8 1 1 ?",' ..
    '"timeZone":"Europe/Paris","recipients":["a@bench.example","b@bench.example","c@bench.example"],' ..
    '"emailTemplateId":"{template}","enabled":true}}'
  return wrk.format("POST", "/api/v1/digests", headers, body)
end
""" + WRK_DONE


def run_wrk(port, script_path, connections, seconds, threads):
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
                          "-s", script_path, f"http://127.0.0.1:{port}"], check=True, capture_output=True, text=True)
    for line in reversed(out.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    sys.exit("wrk printed no summary:\n" + out.stdout + out.stderr)


def cmd_api(args):
    require_jars()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing (Debian: apt-get install -y wrk)")
    fresh_state()
    with Stack(args) as stack:
        stack.start_sink()
        api_port = stack.start_api()
        workers = stack.start_workers(args.workers) if args.workers else []
        seed(args.digests, 3, args.events, 1)
        key = app_key(api_port)
        ids_path = os.path.join(OUT, "digest-ids.txt")
        with open(ids_path, "w") as f:
            f.write("\n".join(digest_id(n) for n in range(1, args.digests + 1)) + "\n")
        results = {}
        api = stack.procs["api"]
        for kind in ("run-now", "digest-create"):
            script = os.path.join(OUT, f"wrk-{kind}.lua")
            with open(script, "w") as f:
                f.write(wrk_script(kind, key, ids_path, template_id(1)))
            if args.warmup:
                run_wrk(api_port, script, args.connections, args.warmup, args.threads)
                time.sleep(2)  # requests wrk left in flight are finished before counting
            table = "digest_runs" if kind == "run-now" else "digest_digests"
            rows0 = int(psql(f"SELECT count(*) FROM {table}"))
            cpu0 = cpu_ms(api.pid)
            peak0 = status_kb(api.pid, "VmRSS")
            load_from = time.time()
            summary = run_wrk(api_port, script, args.connections, args.seconds, args.threads)
            load_to = time.time()
            cpu1 = cpu_ms(api.pid)
            rows1 = int(psql(f"SELECT count(*) FROM {table}"))
            ok = summary["requests"] - summary["statusErrors"]
            results[kind] = dict(summary, requestsPerSecond=summary["requests"] / (summary["durationMicros"] / 1e6),
                                 rowsCreated=rows1 - rows0, apiCpuMsPerRequest=(cpu1 - cpu0) / max(summary["requests"], 1),
                                 apiRssMb=max(peak0, status_kb(api.pid, "VmRSS")) / 1024)
            if kind == "run-now":
                time.sleep(2)
                # wrk drops the requests in flight when it stops: their runs may be left to the re-publisher,
                # which is right, so only the runs of requests started a second or more before the end count.
                unpublished = [int(x) for x in psql(f"""
                    SELECT count(*) FILTER (WHERE created_at < to_timestamp({load_to - 1})), count(*)
                    FROM digest_runs WHERE stream_message_id IS NULL AND created_at >= to_timestamp({load_from})""").split("|")]
            time.sleep(2)
        unpublished_all = int(psql("SELECT count(*) FROM digest_runs WHERE stream_message_id IS NULL"))
        stream = int(redis("XLEN", STREAM))
        text = metrics(api_port)
        deferred = metric_sum(text, "digest_jobs_enqueued_total", 'result="deferred"')
        hwm = status_kb(api.pid, "VmHWM") / 1024
    log("")
    log(f"api alone{' (+ ' + str(len(workers)) + ' workers)' if workers else ''}: wrk -t{args.threads} "
        f"-c{args.connections} -d{args.seconds}s after a {args.warmup} s warm-up; load generator on the same machine")
    log(f"{'request':<16} {'requests/s':>11} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8} "
        f"{'errors':>7} {'rows':>8} {'api CPU ms/req':>15}")
    for kind, r in results.items():
        errors = r["statusErrors"] + r["connectErrors"] + r["readErrors"] + r["writeErrors"] + r["timeouts"]
        log(f"{kind:<16} {r['requestsPerSecond']:>11,.0f} {r['p50Micros'] / 1000:>8.2f} {r['p90Micros'] / 1000:>8.2f} "
            f"{r['p99Micros'] / 1000:>8.2f} {r['maxMicros'] / 1000:>8.1f} {errors:>7} {r['rowsCreated']:>8} "
            f"{r['apiCpuMsPerRequest']:>15.3f}")
    log(f"run-now runs left without a stream id: {unpublished[0]} (+ {unpublished[1] - unpublished[0]} created in the "
        f"last second, when wrk stops and drops the requests in flight); api deferred to the re-publisher (warm-up included): {deferred:.0f}; "
        f"stream length {stream}; api VmHWM {hwm:.0f} MB")
    checks = {"no error answers": all(r["statusErrors"] == 0 and r["timeouts"] == 0 for r in results.values()),
              "every run-now run on the stream": unpublished[0] == 0}
    for name, ok in checks.items():
        log(f"  {'ok  ' if ok else 'FAIL'} {name}")
    run_now = results["run-now"]
    targets = {f"run-now >= 2,000 requests/s with {args.connections} connections": run_now["requestsPerSecond"] >= 2000,
               "run-now p99 <= 20 ms": run_now["p99Micros"] <= 20_000}
    print_targets(targets)
    write_json(args, "api", dict(targets=targets, mode="api", connections=args.connections, seconds=args.seconds, threads=args.threads,
                                 results=results, unpublished=unpublished[0], unpublishedDropped=unpublished[1] - unpublished[0],
                                 unpublishedAll=unpublished_all, apiDeferred=deferred, streamLength=stream,
                                 apiHwmMb=hwm, jvmOptions=args.jvm_opts, checks=checks))
    return all(checks.values())


# ---- limits ----------------------------------------------------------------------------------

# The job's SQL for one run, from the Java sources: (file, constant, {parameter: pgbench variable or SQL literal}).
LEDGER = "common/src/main/java/dev/digest/common/run/RunLedger.java"
CONTENT = "common/src/main/java/dev/digest/common/content/ContentStore.java"
LOGS = "worker-service/src/main/java/dev/digest/worker/mail/EmailLogStore.java"
SETTLE = "worker-service/src/main/java/dev/digest/worker/run/WindowLedger.java"


def job_statements(recipients):
    """A run's statements as a worker sends them, each batch holding this one run (the statements
    take arrays: under load one statement carries many runs, so this is the most a run costs)."""
    def arr(*values):
        return "ARRAY[" + ", ".join(values) + "]"
    each = range(1, recipients + 1)
    claim = [(LEDGER, "CLAIM", {1: arr(":run_id::uuid"), 2: arr("'pgbench'"), 3: arr(":msg::text"),
                                4: arr("60000::bigint")})]
    read = [(CONTENT, "DIGEST", {1: arr(":app_id::uuid"), 2: arr(":digest_id::uuid")}),
            (SETTLE, "HOLDING_IDS", {})]
    window = [(LEDGER, "LOCK_DIGESTS", {1: arr(":digest_id::uuid")}),
              (LEDGER, "WINDOW_STATE", {1: arr(":run_id::uuid"), 2: arr(":digest_id::uuid"), 3: arr("true")}),
              (LEDGER, "FIX_WINDOW", {1: arr(":run_id::uuid"), 2: arr("1"), 3: arr(":wstart::timestamptz"),
                                      4: arr(":wend::timestamptz")})]
    content = [(CONTENT, "GROUPS", {1: "jsonb_build_array(jsonb_build_object('ord', 0, 'application_id', "
                                       ":app_id::text, 'types', '[]'::jsonb, 'start_at', :wstart::text, "
                                       "'end_at', :wend::text, 'rows_per_type', 20))"}),
               (CONTENT, "UNSUBSCRIBED", {1: arr(":digest_id::uuid")})]
    emails = [(LOGS, "BEGIN", {1: arr(*["gen_random_uuid()"] * recipients), 2: arr(*[":app_id::uuid"] * recipients),
                               3: arr(*[":run_id::uuid"] * recipients), 4: arr(*[f":r{i}::text" for i in each]),
                               5: arr(*["'Bench digest: 20 events'"] * recipients)}),
              (LOGS, "SENT", {1: arr(*[":run_id::uuid"] * recipients), 2: arr(*[f":r{i}::text" for i in each]),
                              3: arr(*[f":m{i}::text" for i in each])})]
    finish = [(LEDGER, "LOCK_DIGESTS", {1: arr(":digest_id::uuid")}),
              (LEDGER, "FINISH", {1: arr(":run_id::uuid"), 2: arr("1"), 3: arr("'succeeded'"), 4: arr("20"),
                                  5: arr("NULL::text"), 6: arr("0"), 7: arr("'[]'"), 8: arr("NULL::text")}),
              (LEDGER, "WAKE_NEXT", {1: arr(":digest_id::uuid")})]
    return claim + read + window + content + emails + finish


def java_sql(path, name):
    """A statement constant of a Java source, with a .formatted(CONSTANT.formatted("...")) applied."""
    text = open(os.path.join(ROOT, path)).read()
    match = re.search(r"\b" + name + r' = """\n(.*?)"""', text, re.S)
    if not match:
        sys.exit(f"{name} not found in {path}: the statements of the job changed; update job_statements()")
    sql = match.group(1)
    tail = text[match.end():match.end() + 200]
    formatted = re.match(r'\s*\.formatted\((\w+)\.formatted\("([^"]*)"\)\)', tail)
    if formatted:
        inner = re.search(formatted.group(1) + r' = "((?:[^"\\]|\\.)*)";', text).group(1)
        sql = sql.replace("%s", inner.replace("%s", formatted.group(2)), 1)
    elif re.match(r"\s*\.formatted", tail):
        sys.exit(f"{path} {name}: a .formatted(...) this script does not know how to apply")
    return sql


def bind_pgbench(sql, args):
    for i, value in sorted(args.items(), reverse=True):
        sql = re.sub(r"\$" + str(i) + r"(?!\d)", value, sql)
    if re.search(r"\$\d", sql):
        sys.exit("unbound parameter in:\n" + sql)
    return sql.strip() + ";\n"


def cmd_limits(args):
    r, e = args.recipients, args.events
    clients = [int(c) for c in str(args.clients).split(",")]
    blocks = 2 * len(clients)
    applications = max(1, math.ceil(args.runs / 1000))
    benchlib.recreate_database(LIMITS_DB)
    for path in sorted(glob.glob(os.path.join(ROOT, "common/src/main/resources/db/migration/V*.sql")),
                       key=lambda p: int(re.search(r"V(\d+)__", p).group(1))):
        psql(open(path).read(), LIMITS_DB)
    global DB
    saved, DB = DB, LIMITS_DB
    try:
        # One digest per run, each with R recipients; digest n belongs to application 1 + (n - 1) % applications.
        seed(args.runs * blocks, r, e, applications)
    finally:
        DB = saved
    statements = job_statements(r)
    picks = ", ".join([f"'user' || n || '-{i}@bench.example' AS r{i}, '<' || n || '.{i}@pgbench>' AS m{i}"
                       for i in range(1, r + 1)])
    pick = (f"SELECT {uuid_sql('00000000-0000-4000-b000', 'n')} AS run_id, {uuid_sql('00000000-0000-4000-9000', 'n')} AS digest_id,\n"
            f"       {uuid_sql('00000000-0000-4000-8000', f'1 + (n - 1) % {applications}')} AS app_id,\n"
            f"       (extract(epoch FROM now()) * 1000)::bigint || '-0' AS msg, now() - interval '1 day' AS wstart,\n"
            f"       now() AS wend, {picks}\n"
            f"FROM nextval('bench_run_seq') AS n \\gset\n")
    sqls = [bind_pgbench(java_sql(path, name), binds) for path, name, binds in statements]
    # The pick of the next run's ids (one nextval) goes into the claim's transaction, so tx/run counts the job's only.
    scripts = {
        "one transaction per run": "BEGIN;\n" + pick + "".join(sqls) + "COMMIT;\n",
        "one transaction per statement": "BEGIN;\n" + pick + sqls[0] + "COMMIT;\n" + "".join(sqls[1:]),
    }
    os.makedirs(OUT, exist_ok=True)
    paths = {}
    for label, script in scripts.items():
        paths[label] = os.path.join(OUT, "limits-" + label.replace(" ", "-") + ".sql")
        with open(paths[label], "w") as f:
            f.write(script)
    results = []
    block = 0
    for c in clients:
        for label in scripts:
            # Fresh queued runs, one per digest, for each (clients, script).
            first, block = block * args.runs + 1, block + 1
            last = first + args.runs - 1
            psql(f"""
                DROP SEQUENCE IF EXISTS bench_run_seq; CREATE SEQUENCE bench_run_seq START {first};
                INSERT INTO digest_runs (id, application_id, digest_id, trigger, status, created_at, updated_at, available_at)
                SELECT {uuid_sql('00000000-0000-4000-b000', 'n')}, d.application_id, d.id, 'manual', 'queued',
                       now() - interval '1 hour', now() - interval '1 hour', now() - interval '1 hour'
                FROM generate_series({first}, {last}) n
                JOIN digest_digests d ON d.id = {uuid_sql('00000000-0000-4000-9000', 'n')};""", LIMITS_DB)
            psql("VACUUM ANALYZE", LIMITS_DB)
            per_client = args.runs // c
            time.sleep(11)  # earlier statistics flushed
            x0 = xacts(LIMITS_DB)
            out = subprocess.run(["pgbench", "-h", "127.0.0.1", "-U", "postgres", "-n", "-M", "extended", "-c", str(c),
                                  "-j", str(min(c, os.cpu_count() or 2)), "-t", str(per_client), "-f", paths[label],
                                  LIMITS_DB], capture_output=True, text=True)
            if out.returncode != 0:
                sys.exit(f"pgbench failed:\n{out.stdout}\n{out.stderr}")
            time.sleep(11)
            x1 = xacts(LIMITS_DB)
            tps = float(re.search(r"tps = ([0-9.]+)", out.stdout).group(1))
            latency = float(re.search(r"latency average = ([0-9.]+) ms", out.stdout).group(1))
            ids = (f"BETWEEN {uuid_sql('00000000-0000-4000-b000', str(first))} "
                   f"AND {uuid_sql('00000000-0000-4000-b000', str(last))}")
            done = psql(f"""SELECT (SELECT count(*) FROM digest_runs WHERE status = 'succeeded' AND id {ids}),
                                   (SELECT count(*) FROM digest_email_logs WHERE status = 'sent' AND run_id {ids})""",
                        LIMITS_DB).split("|")
            runs = per_client * c
            pg_tx = x1 - x0
            results.append(dict(script=label, clients=c, runsPerSecond=tps, latencyMs=latency, runs=runs,
                                succeeded=int(done[0]), emailsSent=int(done[1]), pgTransactions=pg_tx,
                                pgTransactionsPerRun=pg_tx / runs, pgTransactionsPerSecond=tps * pg_tx / runs,
                                statementsPerRun=len(statements), file=os.path.relpath(paths[label], ROOT)))
    log("")
    log(f"PostgreSQL limit: the job's SQL alone, {len(statements)} statements a run read from the Java sources (claim, "
        f"digest, window, events, unsubscribes, {r} x email log begin + sent, finish), pgbench -M extended, "
        f"{args.runs:,} runs of {r} recipients and {e} events each per row")
    log(f"{'':<32} {'clients':>7} {'runs/s':>8} {'emails/s':>9} {'tx/run':>7} {'PG tx/s':>8} {'latency ms':>11} {'ok':>6}")
    for x in results:
        log(f"{x['script']:<32} {x['clients']:>7} {x['runsPerSecond']:>8,.0f} {x['runsPerSecond'] * r:>9,.0f} "
            f"{x['pgTransactionsPerRun']:>7.2f} {x['pgTransactionsPerSecond']:>8,.0f} {x['latencyMs']:>11.2f} "
            f"{x['succeeded']:>6}")
    write_json(args, "limits", dict(mode="limits", recipients=r, events=e, results=results))
    ok = all(x["succeeded"] == x["runs"] and x["emailsSent"] == x["runs"] * r for x in results)
    if not ok:
        log("PROBLEM: not every run was claimed and finished by the script")
    if not args.keep:
        benchlib.psql(f"DROP DATABASE IF EXISTS {LIMITS_DB} WITH (FORCE)", "postgres")
    return ok


# ---- main ------------------------------------------------------------------------------------

def write_json(args, name, result):
    path = args.json or os.path.join(OUT, f"{name}.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(result, f, indent=2, default=str)
    log(f"(JSON: {os.path.relpath(path, ROOT)})")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="mode", required=True)

    def common(p, services=True):
        p.add_argument("--json", help="where to write the results (default api-service/target/bench/throughput/<mode>.json)")
        if services:
            p.add_argument("--db", default=DB, help=f"scratch database, recreated ({DB})")
            p.add_argument("--redis-db", default=REDIS_DB, help=f"Redis database of its own, flushed ({REDIS_DB})")
            p.add_argument("--jvm-opts", default=DEFAULT_JVM, help=f"JVM options of the api and workers ({DEFAULT_JVM})")
            p.add_argument("--worker-env", action="append", metavar="NAME=VALUE", help="extra worker setting (repeatable)")
            p.add_argument("--api-env", action="append", metavar="NAME=VALUE", help="extra api setting (repeatable)")
            p.add_argument("--workers", type=int, default=2)
            p.add_argument("--events", type=int, default=20, help="events in each digest's window")

    p = sub.add_parser("sink", help="the SMTP sink alone")
    common(p, services=False)
    p.add_argument("--messages", type=int, default=200_000)
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--size", type=int, default=6000, help="bytes of body per message")
    p.add_argument("--warmup-messages", type=int, default=50_000, help="sent first, not measured")

    p = sub.add_parser("burst", help="D digests due at one cron instant")
    common(p)
    p.add_argument("--digests", type=int, default=5000)
    p.add_argument("--recipients", type=int, default=3)
    p.add_argument("--applications", type=int, default=0, help="applications the digests belong to (default D/1000)")
    p.add_argument("--at", default="Europe/Paris",
                   help="'Zone' (due LEAD seconds from now) or 'Zone HH:MM' (its next occurrence, e.g. 'Europe/Paris 08:00')")
    p.add_argument("--lead", type=int, default=40, help="seconds at least from setting the schedule to the instant")
    p.add_argument("--max-wait", type=int, default=900, help="refuse an instant further away than this")
    p.add_argument("--warmup-runs", type=int, default=500, help="run-now runs of other digests first, to warm the JVMs")
    p.add_argument("--warmup-burst", type=int, default=0,
                   help="then a burst of this many other digests, waited for, so the burst's own paths are compiled")
    p.add_argument("--timeout", type=int, default=600, help="seconds after the instant to give up")
    p.add_argument("--progress", type=float, default=2.0, help="seconds between progress lines")

    p = sub.add_parser("open-loop", help="run-now requests at a fixed rate")
    common(p)
    p.add_argument("--rate", type=float, default=200)
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--warmup", type=float, default=5, help="seconds at the rate before the measured ones")
    p.add_argument("--warmup-runs", type=int, default=500, help="run-now runs of other digests first, to warm the JVMs")
    p.add_argument("--digests", type=int, default=0, help="digests the requests go round (default: one per request)")
    p.add_argument("--recipients", type=int, default=3)
    p.add_argument("--max-connections", type=int, default=512)

    p = sub.add_parser("api", help="wrk against run-now and digest creation")
    common(p)
    p.set_defaults(workers=0)
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--seconds", type=int, default=20)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--threads", type=int, default=2, help="wrk threads")
    p.add_argument("--digests", type=int, default=10_000, help="digests the run-now requests go round")

    p = sub.add_parser("limits", help="pgbench with the job's SQL only")
    common(p, services=False)
    p.add_argument("--runs", type=int, default=20_000)
    p.add_argument("--clients", default="8,16", help="pgbench clients, or a comma-separated list of counts")
    p.add_argument("--recipients", type=int, default=3)
    p.add_argument("--events", type=int, default=20)
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")

    args = parser.parse_args()
    global REDIS_DB, DB
    REDIS_DB = getattr(args, "redis_db", REDIS_DB)
    DB = getattr(args, "db", DB)
    ok = {"sink": cmd_sink, "burst": cmd_burst, "open-loop": cmd_open_loop, "api": cmd_api, "limits": cmd_limits}[args.mode](args)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
