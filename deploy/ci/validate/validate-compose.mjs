// Checks the compose files offline: each against the Compose specification's JSON schema (the
// one dclint ships), then what this project relies on. Prints what it checked; exits 1 on a problem.
//   node validate-compose.mjs docker-compose.yml [docker-compose.native.yml ...]
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

const schema = JSON.parse(readFileSync(new URL('./node_modules/dclint/schemas/compose.schema.json', import.meta.url)));
delete schema.$schema; // draft-07, Ajv's default; Ajv does not know the https spelling of its id
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);
const problems = [];
const seconds = (d) => Number(/^(\d+)s$/.exec(d ?? '')?.[1] ?? NaN);

const files = process.argv.slice(2);
const docs = files.map((file) => {
  const doc = parse(readFileSync(file, 'utf8'), { merge: true });
  if (!validate(doc)) {
    for (const e of validate.errors) problems.push(`${file}: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  } else {
    console.log(`${file}: valid against the Compose specification schema (${Object.keys(doc.services).length} services)`);
  }
  return doc;
});

const [base] = docs;
const services = base.services;
for (const [name, s] of Object.entries(services)) {
  const oneShot = s.restart === 'no';
  if (!oneShot && (!s.healthcheck || s.healthcheck.disable)) problems.push(`${name}: a long-running service without a healthcheck`);
  if (s.image && !s.build && !/:(v?\d[\w.-]*)$/.test(s.image)) problems.push(`${name}: image ${s.image} is not pinned to a version`);
  for (const [dep, cond] of Object.entries(s.depends_on ?? {})) {
    if (!services[dep]) problems.push(`${name}: depends on unknown service ${dep}`);
    const wanted = services[dep]?.restart === 'no' ? 'service_completed_successfully' : 'service_healthy';
    if (cond.condition !== wanted) problems.push(`${name}: waits for ${dep} with ${cond.condition}, expected ${wanted}`);
  }
}
// --scale worker=N: no fixed host port, no container name.
for (const p of services.worker.ports ?? []) {
  if (/:\d+:/.test(`:${p}`) && !/::/.test(p)) problems.push(`worker: fixed host port ${p} breaks --scale worker=N`);
}
if (services.worker.container_name) problems.push('worker: container_name breaks --scale worker=N');
if (!(seconds(services.worker.stop_grace_period) > 30)) problems.push('worker: stop_grace_period must exceed the 30 s shutdown wait');
// The role split: services as digest_app without migrations, migrations as digest_owner.
for (const name of ['api', 'worker']) {
  const env = services[name].environment;
  if (!/^postgresql:\/\/digest_app:/.test(env.DATABASE_URL)) problems.push(`${name}: does not connect as digest_app`);
  if (env.QUARKUS_FLYWAY_MIGRATE_AT_START !== 'false') problems.push(`${name}: still migrates at start`);
  if (JSON.stringify(env).includes('OWNER')) problems.push(`${name}: sees the owner role's password`);
}
if (!/^postgresql:\/\/digest_owner:/.test(services.migrate.environment.DATABASE_URL)) problems.push('migrate: does not run as digest_owner');
// Secrets come from .env (with local-only defaults), never written into the file.
const text = readFileSync(files[0], 'utf8');
for (const key of ['POSTGRES_PASSWORD', 'DIGEST_OWNER_PASSWORD', 'DIGEST_APP_PASSWORD', 'DIGEST_ADMIN_KEY']) {
  if (!text.includes(`\${${key}:-`)) problems.push(`${key} is not read from the environment (.env)`);
  if (!readFileSync('.env.example', 'utf8').includes(`${key}=`)) problems.push(`.env.example does not name ${key}`);
}
// An override file only changes services the base file has.
for (const [i, doc] of docs.entries()) {
  for (const name of Object.keys(doc.services ?? {})) if (!services[name]) problems.push(`${files[i]}: service ${name} is not in ${files[0]}`);
}

if (problems.length) {
  for (const p of problems) console.error(`PROBLEM ${p}`);
  process.exit(1);
}
console.log('compose: every long-running service has a healthcheck; pulled images pinned; worker scalable '
  + `(no fixed host port, stop_grace_period ${services.worker.stop_grace_period}); services as digest_app `
  + 'without migrations, migrate as digest_owner; secrets from .env');
