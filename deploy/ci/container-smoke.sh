#!/usr/bin/env bash
# Container smoke test: builds the api and worker images from deploy/docker/Dockerfile.jvm-packaged
# (the packaged target/quarkus-app of each service, so run `./mvnw -B package` first), runs them
# with podman (ENGINE=docker for Docker) against the local PostgreSQL and Redis and an SMTP sink
# (--network=host), waits for /q/health/ready, delivers one digest end to end, then stops both
# with SIGTERM and checks they exit cleanly.
#
# First the worker image runs the migrations as the owner role (QUARKUS_INIT_AND_EXIT), then the
# services run as the application role without migrating (deploy/db/create-roles.sh makes both
# roles), as non-root users with a read-only root filesystem and a tmpfs on /tmp, as in
# deploy/k8s. Everything is private to this test: database digest_container_smoke, roles
# digest_smoke_owner/digest_smoke_app, Redis database 13, stream digest:smoke:jobs, free ports.
#
# FLAVOUR=native tests the native images instead: Dockerfile.native-packaged from the executables
# of `./mvnw package -Dnative` (.github/workflows/native.yml does this).
#
# The Dockerfile's base image must be present locally or pullable (here, the stand-ins of
# ../shared/containers/stand-in-base-images.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."

DB=digest_container_smoke
REDIS_DB=13
OWNER_ROLE=digest_smoke_owner
APP_ROLE=digest_smoke_app
ADMIN_KEY=container-smoke-admin-key-0123456789
ENGINE=${ENGINE:-podman}
FLAVOUR=${FLAVOUR:-jvm}
case "$FLAVOUR" in
  jvm) dockerfile=deploy/docker/Dockerfile.jvm-packaged context=target/quarkus-app process=java uid_wanted=185 ;;
  native) dockerfile=deploy/docker/Dockerfile.native-packaged context=target process=application uid_wanted=1001 ;;
  *) echo "FLAVOUR is jvm or native" >&2; exit 2 ;;
esac
TAG=${DIGEST_SMOKE_TAG:-ci}
PGHOST=127.0.0.1 PGPORT=5432 PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
run_id=$$
api=digest-smoke-api-$run_id
worker=digest-smoke-worker-$run_id
work=$(mktemp -d)
sink_pid=

log() { printf '[container-smoke %s] %s\n' "$(date +%T)" "$*"; }
fail() { log "FAILED: $*"; exit 1; }
# podman cannot time HEALTHCHECKs without systemd and says so on every run, stop and remove.
no_systemd_noise() { "$@" 2> >(grep -v 'unable to get systemd connection' >&2); }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

cleanup() {
  local rc=$?
  if [ $rc -ne 0 ]; then
    for c in "$api" "$worker"; do
      $ENGINE container inspect "$c" >/dev/null 2>&1 || continue
      log "last log lines of $c:"; $ENGINE logs --tail 60 "$c" 2>&1 | sed 's/^/    /' || true
    done
  fi
  $ENGINE rm -f "$api" "$worker" >/dev/null 2>&1 || true
  [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null || true
  redis-cli -h 127.0.0.1 -n $REDIS_DB FLUSHDB >/dev/null 2>&1 || true
  dropdb --if-exists --force "$DB" 2>/dev/null || true
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT

command -v "$ENGINE" >/dev/null || fail "$ENGINE is not installed (../shared/containers/stand-in-base-images.sh installs podman)"
for service in api-service worker-service; do
  if [ "$FLAVOUR" = jvm ]; then
    [ -f "$service/target/quarkus-app/quarkus-run.jar" ] || fail "$service is not packaged: run ./mvnw -B package -DskipTests"
  else
    ls "$service"/target/*-runner >/dev/null 2>&1 || fail "$service has no native executable: run ./mvnw -B package -Dnative"
  fi
done
build_opts=(--network=host)
run_opts=()
if [ "$ENGINE" = podman ]; then
  # Docker format keeps HEALTHCHECK (OCI drops it); podman cannot time HEALTHCHECKs without systemd,
  # so the check is run once by hand below.
  build_opts+=(--format docker)
  run_opts+=(--health-interval=disable)
fi
start=$SECONDS

log "building $FLAVOUR images digest-api:$TAG and digest-worker:$TAG from $dockerfile with $ENGINE"
for pair in api:api-service worker:worker-service; do
  t=$SECONDS
  $ENGINE build -q "${build_opts[@]}" -f "$dockerfile" \
    -t "localhost/digest-${pair%%:*}:$TAG" "${pair#*:}/$context" >/dev/null
  log "built localhost/digest-${pair%%:*}:$TAG in $((SECONDS - t)) s"
done
[ "$($ENGINE image inspect -f '{{.Config.User}}' "localhost/digest-api:$TAG")" = "$uid_wanted" ] \
  || fail "the image does not run as user $uid_wanted"
layers=$($ENGINE image inspect -f '{{len .RootFS.Layers}}' "localhost/digest-api:$TAG")
log "the api image runs as user $uid_wanted and has $layers layers"

log "preparing database $DB (roles $OWNER_ROLE, $APP_ROLE), Redis database $REDIS_DB, an SMTP sink"
dropdb --if-exists --force "$DB"
createdb "$DB"
PGDATABASE=$DB DIGEST_OWNER_ROLE=$OWNER_ROLE DIGEST_APP_ROLE=$APP_ROLE \
  DIGEST_OWNER_PASSWORD=smoke-owner DIGEST_APP_PASSWORD=smoke-app bash deploy/db/create-roles.sh
redis-cli -h 127.0.0.1 -n $REDIS_DB FLUSHDB >/dev/null
api_port=$(free_port); worker_port=$(free_port); smtp_port=$(free_port)
python3 deploy/ci/smtp-sink.py "$smtp_port" "$work/mail" &
sink_pid=$!

hardening=(--network=host "${run_opts[@]}" --read-only --tmpfs /tmp:rw,size=64m --cap-drop=ALL --security-opt=no-new-privileges)

# The migration step of docker-compose.yml and deploy/k8s: the worker image as the owner role,
# started with QUARKUS_INIT_AND_EXIT (Flyway runs, then the process exits).
t=$SECONDS
$ENGINE run --rm --name "digest-smoke-migrate-$run_id" "${hardening[@]}" \
  -e "DATABASE_URL=postgresql://$OWNER_ROLE:smoke-owner@127.0.0.1:5432/$DB" \
  -e QUARKUS_FLYWAY_MIGRATE_AT_START=true -e QUARKUS_INIT_AND_EXIT=true \
  "localhost/digest-worker:$TAG" >"$work/migrate.log" 2>&1 \
  || { tail -40 "$work/migrate.log"; fail "the migration container failed"; }
applied=$(psql -d "$DB" -Atc "SELECT count(*) FROM flyway_schema_history WHERE success AND version IS NOT NULL")
owner=$(psql -d "$DB" -Atc "SELECT tableowner FROM pg_tables WHERE tablename = 'digest_runs'")
[ "$owner" = "$OWNER_ROLE" ] || fail "digest_runs is owned by $owner, not $OWNER_ROLE"
log "migration container applied $applied migrations as $OWNER_ROLE and exited 0 in $((SECONDS - t)) s"

# The services: the application role, no migrations.
common_env=(
  -e "DATABASE_URL=postgresql://$APP_ROLE:smoke-app@127.0.0.1:5432/$DB"
  -e QUARKUS_FLYWAY_MIGRATE_AT_START=false
  -e "REDIS_URL=redis://127.0.0.1:6379/$REDIS_DB"
  -e "DIGEST_CONTENT_UNSUBSCRIBE_URL=http://127.0.0.1:$api_port/unsubscribe"
  -e DIGEST_QUEUE_STREAM=digest:smoke:jobs -e DIGEST_QUEUE_GROUP=digest-smoke-workers
  -e DIGEST_QUEUE_DEAD_LETTER_STREAM=digest:smoke:jobs:dead
)
no_systemd_noise $ENGINE run -d --name "$api" "${hardening[@]}" "${common_env[@]}" \
  -e "QUARKUS_HTTP_PORT=$api_port" -e "DIGEST_ADMIN_KEY=$ADMIN_KEY" \
  "localhost/digest-api:$TAG" >/dev/null
no_systemd_noise $ENGINE run -d --name "$worker" "${hardening[@]}" "${common_env[@]}" \
  -e "QUARKUS_HTTP_PORT=$worker_port" \
  -e QUARKUS_MAILER_HOST=127.0.0.1 -e "QUARKUS_MAILER_PORT=$smtp_port" -e QUARKUS_MAILER_FROM=digest@localhost \
  -e DIGEST_WORKER_BACKOFF_MAX=PT10S \
  "localhost/digest-worker:$TAG" >/dev/null
log "started $api (port $api_port) and $worker (port $worker_port, SMTP sink on $smtp_port)"

wait_ready() {
  local name=$1 port=$2 t=$SECONDS
  until curl -fsS "http://127.0.0.1:$port/q/health/ready" >/dev/null 2>&1; do
    [ "$($ENGINE inspect -f '{{.State.Running}}' "$name")" = true ] || fail "$name exited before it was ready"
    [ $((SECONDS - t)) -lt 120 ] || fail "$name not ready after 120 s"
    sleep 1
  done
  log "$name is ready after $((SECONDS - t)) s: $(curl -fsS "http://127.0.0.1:$port/q/health/ready" | tr -d ' \n' | cut -c1-300)"
  # The probes deploy/k8s wires: started and live answer 200 as well.
  for probe in started live; do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/q/health/$probe" || fail "$name: /q/health/$probe does not answer 200"
  done
}
wait_ready "$api" "$api_port"
wait_ready "$worker" "$worker_port"

for c in "$api" "$worker"; do
  checked=""
  if [ "$FLAVOUR" = jvm ] && [ "$ENGINE" = podman ]; then
    podman healthcheck run "$c" >/dev/null || fail "the image's HEALTHCHECK fails in $c"
    checked="HEALTHCHECK passes, "
  fi
  pid1=$($ENGINE exec "$c" cat /proc/1/comm)
  uid=$($ENGINE exec "$c" id -u)
  [ "$pid1" = "$process" ] || fail "PID 1 in $c is $pid1, not $process"
  [ "$uid" = "$uid_wanted" ] || fail "$c runs as uid $uid"
  ! $ENGINE exec "$c" touch /probe 2>/dev/null || fail "the root filesystem of $c is writable"
  log "$c: ${checked}PID 1 is $process, uid $uid, root filesystem read-only"
done

log "delivering one digest through the api and the worker"
python3 deploy/ci/deliver-one-digest.py "http://127.0.0.1:$api_port" "$ADMIN_KEY" "$work/mail" \
  | sed 's/^/    /'
curl -fsS "http://127.0.0.1:$worker_port/q/metrics" >"$work/metrics.txt"
grep -E '^digest_jobs_processed_total\{.*outcome="succeeded".*\} 1(\.0)?$' "$work/metrics.txt" >/dev/null \
  || { grep '^digest_jobs_processed_total' "$work/metrics.txt"; fail "the worker's metrics do not count the succeeded job"; }
log "the worker's /q/metrics counts the job as succeeded"

for c in "$worker" "$api"; do
  t=$SECONDS
  no_systemd_noise $ENGINE stop -t 60 "$c" >/dev/null   # SIGTERM, then SIGKILL after 60 s
  code=$($ENGINE inspect -f '{{.State.ExitCode}}' "$c")
  # 143 = 128 + SIGTERM: the JVM ran its shutdown and exited on the signal; 137 would be SIGKILL.
  case "$code" in 0|143) ;; *) fail "$c exited with $code after SIGTERM" ;; esac
  $ENGINE logs "$c" 2>&1 | grep -q 'stopped in' || fail "$c did not log a Quarkus shutdown"
  log "$c stopped on SIGTERM in $((SECONDS - t)) s, exit code $code, shutdown logged"
done
log "passed in $((SECONDS - start)) s"
