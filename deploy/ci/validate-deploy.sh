#!/usr/bin/env bash
# Offline checks of the deploy files, no cluster and no Docker needed:
#   - docker-compose.yml and docker-compose.native.yml against the Compose specification's JSON
#     schema and this project's rules (deploy/ci/validate/validate-compose.mjs), then dclint;
#   - each Kubernetes overlay rendered with `kubectl kustomize` and every object validated against
#     the Kubernetes, KEDA and Prometheus Operator schemas plus this project's rules
#     (deploy/ci/validate/validate-k8s.mjs);
#   - the PrometheusRule's groups with `promtool check rules` and `promtool test rules`
#     (deploy/k8s/monitoring/prometheus-rule-test.yaml);
#   - the Grafana dashboard is JSON and charts every series the alerts use;
#   - .github/workflows/*.yml against the GitHub workflow schema (action-validator).
# Needs node and npm (validators from the npm registry, pinned in deploy/ci/validate/package-lock.json),
# kubectl, and promtool (Debian's prometheus package, installed here if missing).
set -euo pipefail
cd "$(dirname "$0")/../.."
log() { printf '[validate-deploy] %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

log "installing the validators (npm ci in deploy/ci/validate)"
(cd deploy/ci/validate && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

log "compose files"
node deploy/ci/validate/validate-compose.mjs docker-compose.yml docker-compose.native.yml
(cd deploy/ci/validate && npx --no-install dclint -c .dclintrc.json ../../../docker-compose.yml ../../../docker-compose.native.yml)
log "dclint: no errors in docker-compose.yml, docker-compose.native.yml"

command -v kubectl >/dev/null || { log "kubectl is needed for kustomize"; exit 1; }
for overlay in deploy/k8s/overlays/*/; do
  name=$(basename "$overlay")
  log "Kubernetes overlay $name (kubectl kustomize $overlay)"
  kubectl kustomize "$overlay" | node deploy/ci/validate/validate-k8s.mjs "$name"
done

if ! command -v promtool >/dev/null; then
  log "installing promtool (Debian package prometheus)"
  as_root apt-get update -q >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus >/dev/null
fi
rules=$(mktemp -d)
trap 'rm -rf "$rules"' EXIT
node -e '
  const { parse, stringify } = require("./deploy/ci/validate/node_modules/yaml");
  const fs = require("fs");
  const rule = parse(fs.readFileSync("deploy/k8s/monitoring/prometheus-rule.yaml", "utf8"));
  fs.writeFileSync(process.argv[1] + "/digest-rules.yaml", stringify(rule.spec));
' "$rules"
cp deploy/k8s/monitoring/prometheus-rule-test.yaml "$rules/"
log "alert rules: $(promtool --version 2>&1 | head -n 1)"
promtool check rules "$rules/digest-rules.yaml"
(cd "$rules" && promtool test rules prometheus-rule-test.yaml)

log "Grafana dashboard"
node -e '
  const fs = require("fs");
  const dashboard = JSON.parse(fs.readFileSync("deploy/k8s/monitoring/digest-dashboard.json", "utf8"));
  const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)).join("\n");
  const series = ["digest_jobs_processed_total", "digest_queue_lag", "digest_runs_waiting", "digest_runs_overdue",
    "digest_runs_lease_lapsed", "digest_emails_total", "digest_smtp_circuit_open", "digest_reconciler_actions_total"];
  const missing = series.filter((s) => !exprs.includes(s));
  if (missing.length) { console.error("the dashboard does not chart " + missing.join(", ")); process.exit(1); }
  console.log(`deploy/k8s/monitoring/digest-dashboard.json: ${dashboard.panels.length} panels, charts ${series.join(", ")}`);
'
for workflow in .github/workflows/*.yml; do
  if ! out=$(cd deploy/ci/validate && npx --no-install action-validator "../../../$workflow" 2>&1); then
    printf '%s\n' "$out"
    log "FAILED: $workflow does not match the GitHub workflow schema"
    exit 1
  fi
  log "$workflow: valid against the GitHub workflow schema (action-validator)"
done
log "passed"
