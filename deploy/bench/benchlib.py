"""Helpers the benchmark scripts share: the local PostgreSQL and Redis, and the packaged api."""
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
JAR = os.path.join(ROOT, "api-service", "target", "quarkus-app", "quarkus-run.jar")
WORKER_JAR = os.path.join(ROOT, "worker-service", "target", "quarkus-app", "quarkus-run.jar")
ADMIN_KEY = "bench-admin-key-0123456789abcdef"


def java_statement(java_file, name):
    """The SQL text block a Java source declares as the constant NAME, so a benchmark times what runs."""
    text = open(os.path.join(ROOT, java_file)).read()
    match = re.search(name + r' = """\n(.*?)"""', text, re.S)
    if not match:
        sys.exit(f"{name} not found in {java_file}")
    return match.group(1)


def bind(sql, args):
    """The statement with its $n parameters replaced by SQL literals (given as text)."""
    for i, value in sorted(args.items(), reverse=True):
        sql = sql.replace(f"${i}", value)
    return sql


def require_jar():
    if not os.path.isfile(JAR):
        sys.exit(f"{JAR} is missing: ./mvnw -B package -DskipTests -pl api-service -am")


def psql(sql, db):
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-qAtX", "-v", "ON_ERROR_STOP=1",
                          "-c", sql], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def recreate_database(db):
    psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)", db="postgres")
    psql(f"CREATE DATABASE {db}", db="postgres")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(port, method, path, body=None, key=ADMIN_KEY):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                 headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        raw = resp.read()
        return json.loads(raw) if raw and resp.headers.get_content_type().endswith("json") else raw.decode()


def start_api(name, port, log_dir, db, redis_db, jar=JAR, jvm_opts=("-Xmx512m",), **env_extra):
    """The packaged api (or another packaged service: jar) on the given port, database and Redis database;
    extra settings as keyword arguments."""
    env = dict(os.environ,
               DATABASE_URL=f"postgresql://postgres@127.0.0.1:5432/{db}",
               REDIS_URL=f"redis://127.0.0.1:6379/{redis_db}",
               DIGEST_ADMIN_KEY=ADMIN_KEY,
               QUARKUS_HTTP_PORT=str(port),
               QUARKUS_LOG_CONSOLE_JSON_ENABLED="false",
               **env_extra)
    os.makedirs(log_dir, exist_ok=True)
    log = os.path.join(log_dir, f"{name}.log")
    proc = subprocess.Popen(["java", *jvm_opts, "-jar", jar], env=env, stdout=open(log, "w"),
                            stderr=subprocess.STDOUT)
    proc.log = log
    return proc


def wait_ready(port, proc, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"service exited with {proc.returncode}; see {proc.log}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/q/health/ready", timeout=2)
            return
        except Exception:
            time.sleep(0.3)
    sys.exit(f"service not ready after {timeout} s; see {proc.log}")
