#!/usr/bin/env bash
# Native-image readiness without GraalVM: `package -Dnative -Dquarkus.native.sources-only=true`
# runs every Quarkus build step of a native build (configuration, reflection registration,
# substitutions) and writes target/native-sources (the runner jar, its libraries and the
# native-image arguments) instead of calling native-image. Then checks what GraalVM would refuse
# or miss and this build cannot see:
#   - Random/SecureRandom in static final fields (Quarkus initialises classes at build time, so
#     they would be frozen into the image heap);
#   - the bodies that reach Jackson only through Response.entity() are in reflect-config.json.
# The full native build and the tests against the executables run in .github/workflows/native.yml.
set -euo pipefail
cd "$(dirname "$0")/../.."
log() { printf '[native-sources] %s\n' "$*"; }

log "static Random fields in main sources"
if grep -rnE 'static\s+final\s+(java\.security\.|java\.util\.)?(Secure)?Random\s' --include=*.java -- */src/main; then
  log "FAILED: a static Random is initialised while a native image is built; create it at run time"
  exit 1
fi
log "none"

t=$SECONDS
log "./mvnw -B package -Dnative -Dquarkus.native.sources-only=true -DskipTests -pl api-service,worker-service -am"
./mvnw -B -q package -Dnative -Dquarkus.native.sources-only=true -DskipTests -pl api-service,worker-service -am
for service in api-service worker-service; do
  dir=$service/target/native-sources
  [ -s "$dir/native-image.args" ] && ls "$dir"/*-runner.jar >/dev/null \
    || { log "FAILED: $dir has no native-image.args or runner jar"; exit 1; }
  log "$dir: runner jar, $(ls "$dir/lib" | wc -l) libraries, $(tr ' ' '\n' < "$dir/native-image.args" | grep -c .) native-image arguments"
done

jar=$(ls api-service/target/native-sources/*-runner.jar)
unzip -p "$jar" META-INF/native-image/reflect-config.json | python3 -c '
import json, sys
names = {entry.get("name") for entry in json.load(sys.stdin)}
wanted = ["dev.digest.api.web.Problem", "dev.digest.api.web.Violation", "dev.digest.api.run.RunResponse",
          "dev.digest.api.run.RunResponse$EmailLogResponse", "dev.digest.api.run.BadEventNote",
          "dev.digest.api.digest.DigestResponse", "dev.digest.api.apikey.ApiKeyResponse"]
missing = [n for n in wanted if n not in names]
if missing:
    sys.exit("[native-sources] FAILED: not registered for reflection: " + ", ".join(missing))
print(f"[native-sources] api reflect-config.json ({len(names)} types) registers " + ", ".join(w.rsplit(".", 1)[1] for w in wanted))
'
log "passed in $((SECONDS - t)) s"
