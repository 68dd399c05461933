#!/usr/bin/env python3
"""Delivers one digest end to end through a running api and worker, as a client would: an
application and key, an event type, an email template, a digest, one event, a manual run; then
waits for the run to succeed and for the email to reach the SMTP sink's directory.

    deliver-one-digest.py API_URL ADMIN_KEY MAIL_DIR
"""
import json
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

API, ADMIN_KEY, MAIL_DIR = sys.argv[1].rstrip("/") + "/api/v1", sys.argv[2], Path(sys.argv[3])


def call(method, path, key, body=None, expect=(200, 201, 202)):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(API + path, data=data, method=method)
    request.add_header("Authorization", f"Bearer {key}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode()
    if status not in expect:
        sys.exit(f"{method} {path}: {status} {text}")
    return json.loads(text) if text else None


suffix = uuid.uuid4().hex[:8]
recipient = f"smoke-{suffix}@example.com"
app = call("POST", "/applications", ADMIN_KEY, {"name": f"Smoke {suffix}", "slug": f"smoke-{suffix}"})
key = call("POST", f"/applications/{app['id']}/api-keys", ADMIN_KEY,
           {"name": "smoke", "scopes": ["read", "write", "ingest"]})["key"]
call("POST", "/event-types", key,
     {"key": "order.created", "name": "Order created", "lineTemplate": "Order {payload.id}"})
template = call("POST", "/email-templates", key, {
    "name": "smoke", "subject": "{digest.name}: {eventCount} events",
    "html": "<h1>{digest.name}</h1>", "text": "{digest.name}"})
digest = call("POST", "/digests", key, {
    "name": f"Smoke digest {suffix}", "cron": "0 0 8 * * ?", "timeZone": "Europe/Paris",
    "recipients": [recipient], "eventTypes": ["order.created"],
    "emailTemplateId": template["id"], "enabled": True, "emptyWindow": "send"})
call("POST", "/events", key, {"type": "order.created", "payload": {"id": 42}})
run = call("POST", f"/digests/{digest['id']}/runs", key)
print(f"run {run['id']} queued for digest {digest['id']}", flush=True)

# Generous: closing a window waits for transactions open anywhere on the PostgreSQL server, so
# another client's long transaction on a shared server delays the run (it retries meanwhile).
WAIT = 300
deadline = time.monotonic() + WAIT
seen = None
while True:
    run = call("GET", f"/runs/{run['id']}", key)
    if run["status"] in ("succeeded", "failed", "dead", "skipped"):
        break
    if (run["status"], run.get("attempts"), run.get("error")) != seen:
        seen = (run["status"], run.get("attempts"), run.get("error"))
        print(f"run {run['id']}: {run['status']}, attempt {run.get('attempts')}"
              + (f", last error: {run['error']}" if run.get("error") else ""), flush=True)
    if time.monotonic() > deadline:
        sys.exit(f"run {run['id']} still {run['status']} after {WAIT} s")
    time.sleep(1)
logs = run.get("emailLogs") or []
if run["status"] != "succeeded" or [log["status"] for log in logs] != ["sent"]:
    sys.exit(f"run ended {run['status']} with email logs {logs} (error: {run.get('error')})")

while not any(recipient in p.read_text(errors="replace") for p in MAIL_DIR.glob("*.eml")):
    if time.monotonic() > deadline:
        sys.exit(f"no email to {recipient} reached the SMTP sink")
    time.sleep(0.5)
print(f"run {run['id']} succeeded: {run['eventCount']} event(s), email to {recipient} "
      f"received by the SMTP sink (message id {logs[0].get('messageId')})")
