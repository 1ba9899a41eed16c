#!/usr/bin/env bash
# Regenerates the CRDs from the API classes and copies them to the Helm chart (charts/kubeopencode/crds/).
# Run it after changing anything under api/src/main/java; CrdDriftTest fails until the copies match.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
./mvnw -B -q -pl api -am -DskipTests -Dkube.binaries.skip=true process-classes
rm -f charts/kubeopencode/crds/*.yaml
cp api/target/crds/*.yaml charts/kubeopencode/crds/
echo "updated: $(ls charts/kubeopencode/crds | tr '\n' ' ')"
