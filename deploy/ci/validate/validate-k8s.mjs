// Validates rendered Kubernetes manifests offline: every object against its schema (Kubernetes
// from kubernetes-models, ScaledObject/TriggerAuthentication from @kubernetes-models/keda,
// PrometheusRule/ServiceMonitor from @kubernetes-models/prometheus-operator), then what Digest's
// deployment relies on. Prints what it checked; exits 1 on a problem.
//   kubectl kustomize deploy/k8s/overlays/prod | node validate-k8s.mjs prod
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

const overlay = process.argv[2] ?? 'manifests';
const objects = parseAllDocuments(readFileSync(0, 'utf8')).map((d) => d.toJS()).filter(Boolean);
// kustomize folds long base64 Secret values over lines; the API server's decoder skips the line
// breaks, the schema's "byte" format does not.
for (const o of objects) {
  if (o.kind === 'Secret' && o.data) for (const k of Object.keys(o.data)) o.data[k] = String(o.data[k]).replace(/\s+/g, '');
}
const problems = [];
const problem = (o, text) => problems.push(`${overlay}: ${o ? `${o.kind}/${o.metadata?.name}: ` : ''}${text}`);

const packages = { 'keda.sh': '@kubernetes-models/keda', 'monitoring.coreos.com': '@kubernetes-models/prometheus-operator' };
async function modelFor({ apiVersion, kind }) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const pkg = packages[group] ?? 'kubernetes-models';
  const path = group ? `${pkg}/${group}/${version}` : `${pkg}/${version}`;
  const module = await import(path).catch(() => ({}));
  return module[kind];
}

let valid = 0;
for (const o of objects) {
  const Model = await modelFor(o);
  if (!Model) { problem(o, `no schema for ${o.apiVersion} ${o.kind}`); continue; }
  try {
    new Model(o).validate();
    valid += 1;
  } catch (e) {
    problem(o, `schema: ${e.message.split('\n').slice(0, 6).join(' | ')}`);
  }
}
console.log(`${overlay}: ${valid} of ${objects.length} objects valid against their schemas `
  + `(${[...new Set(objects.map((o) => o.kind))].sort().join(', ')})`);

const find = (kind, name) => objects.find((o) => o.kind === kind && (!name || o.metadata.name === name));
const envOf = (c) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
const secretsOf = (spec) => spec.containers.flatMap((c) => (c.envFrom ?? []).map((e) => e.secretRef?.name).filter(Boolean));
const config = find('ConfigMap', 'digest-config');

for (const name of ['digest-api', 'digest-worker']) {
  const d = find('Deployment', name);
  if (!d) { problem(null, `Deployment ${name} missing`); continue; }
  const spec = d.spec.template.spec;
  const [c] = spec.containers;
  const port = c.ports?.[0]?.name;
  for (const [probe, path] of [['startupProbe', '/q/health/started'], ['livenessProbe', '/q/health/live'], ['readinessProbe', '/q/health/ready']]) {
    if (c[probe]?.httpGet?.path !== path || c[probe]?.httpGet?.port !== port) problem(d, `${probe} is not ${path} on port ${port}`);
  }
  if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory || !c.resources?.limits?.memory) problem(d, 'resources incomplete');
  if (spec.securityContext?.runAsNonRoot !== true) problem(d, 'not runAsNonRoot');
  if (c.securityContext?.readOnlyRootFilesystem !== true) problem(d, 'root filesystem writable');
  if (c.securityContext?.allowPrivilegeEscalation !== false) problem(d, 'privilege escalation allowed');
  const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
  if (!tmp || !spec.volumes?.find((v) => v.name === tmp.name && v.emptyDir)) problem(d, 'no emptyDir on /tmp');
  const migrateAtStart = envOf(c).QUARKUS_FLYWAY_MIGRATE_AT_START ?? config?.data?.QUARKUS_FLYWAY_MIGRATE_AT_START;
  if (migrateAtStart !== 'false' || !c.envFrom?.some((e) => e.configMapRef?.name === config?.metadata.name)) problem(d, 'migrates at start');
  const secrets = secretsOf(spec);
  if (!secrets.some((s) => s.startsWith('digest-db-app'))) problem(d, 'does not read the application role Secret');
  if (secrets.some((s) => s.startsWith('digest-db-owner'))) problem(d, 'sees the owner role Secret');
  if (!find('PodDisruptionBudget', name)) problem(d, 'no PodDisruptionBudget');
}
const worker = find('Deployment', 'digest-worker');
const shutdownWait = Number(/^PT(\d+)S$/.exec(envOf(worker.spec.template.spec.containers[0]).DIGEST_WORKER_SHUTDOWN_WAIT ?? 'PT30S')[1]);
if (!(worker.spec.template.spec.terminationGracePeriodSeconds > shutdownWait)) problem(worker, `terminationGracePeriodSeconds not above the ${shutdownWait} s shutdown wait`);

const hpa = find('HorizontalPodAutoscaler');
if (hpa?.spec.scaleTargetRef.name !== 'digest-api') problem(hpa, 'the HorizontalPodAutoscaler does not scale digest-api');
const scaled = find('ScaledObject');
const trigger = scaled?.spec.triggers?.find((t) => t.type === 'redis-streams');
if (scaled?.spec.scaleTargetRef.name !== 'digest-worker') problem(scaled, 'does not scale digest-worker');
if (!(scaled?.spec.minReplicaCount >= 1)) problem(scaled, 'minReplicaCount below 1');
if (!trigger || trigger.metadata.stream !== 'digest:jobs' || trigger.metadata.consumerGroup !== 'digest-workers' || !trigger.metadata.lagCount) {
  problem(scaled, 'no redis-streams trigger with lagCount on digest:jobs / digest-workers');
}
if (trigger?.metadata.addressFromEnv && !config?.data?.[trigger.metadata.addressFromEnv]) problem(scaled, `${trigger.metadata.addressFromEnv} is not in digest-config`);

const jobs = objects.filter((o) => o.kind === 'Job');
const job = jobs[0];
if (jobs.length !== 1) problem(null, `expected one migration Job, found ${jobs.length}`);
else {
  const env = envOf(job.spec.template.spec.containers[0]);
  if (!secretsOf(job.spec.template.spec).some((s) => s.startsWith('digest-db-owner'))) problem(job, 'does not run as the owner role');
  if (env.QUARKUS_FLYWAY_MIGRATE_AT_START !== 'true' || env.QUARKUS_INIT_AND_EXIT !== 'true') problem(job, 'does not migrate and exit');
}
const policy = find('NetworkPolicy');
if (!policy?.spec.policyTypes?.includes('Ingress') || !policy?.spec.policyTypes?.includes('Egress')) problem(policy, 'no NetworkPolicy for ingress and egress');
for (const kind of ['PrometheusRule', 'ServiceMonitor']) if (!find(kind)) problem(null, `no ${kind}`);
if (!objects.some((o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard)) problem(null, 'no Grafana dashboard ConfigMap');
// Every Secret a pod or KEDA names must exist in the overlay, unless the overlay says it is made outside.
const secretNames = new Set(objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name));
if (secretNames.size) {
  const optional = new Set(objects.flatMap((o) => o.spec?.template?.spec?.containers ?? []).flatMap((c) => c.envFrom ?? []).filter((e) => e.secretRef?.optional).map((e) => e.secretRef.name));
  const named = [...objects.flatMap((o) => (o.spec?.template?.spec ? secretsOf(o.spec.template.spec) : [])),
    ...objects.filter((o) => o.kind === 'TriggerAuthentication').flatMap((o) => o.spec.secretTargetRef.map((r) => r.name))];
  for (const s of new Set(named)) if (!secretNames.has(s) && !optional.has(s)) problem(null, `Secret ${s} is named but not generated`);
}

if (problems.length) {
  for (const p of problems) console.error(`PROBLEM ${p}`);
  process.exit(1);
}
console.log(`${overlay}: probes on /q/health/started, /live, /ready; resources; non-root, read-only root with /tmp emptyDir; `
  + `worker grace ${worker.spec.template.spec.terminationGracePeriodSeconds} s > ${shutdownWait} s; PDBs; HPA on digest-api `
  + `(${hpa.spec.minReplicas}-${hpa.spec.maxReplicas}); KEDA redis-streams lagCount ${trigger.metadata.lagCount} `
  + `(${scaled.spec.minReplicaCount}-${scaled.spec.maxReplicaCount} workers); one migration Job as the owner, services as the `
  + 'application role without migrate-at-start; NetworkPolicy; PrometheusRule, ServiceMonitor, dashboard');
