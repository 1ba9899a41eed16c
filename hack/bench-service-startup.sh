#!/usr/bin/env bash
# Benchmark: a service's web server from start() to a ready /observe/health/ready, in fresh JVMs (cold) and a second
# server in the same JVM (warm). Prints one "cold ..." and one "warm ..." line per run.
# Usage: hack/bench-service-startup.sh [runs=5]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. .mvn/select-jdk.sh
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
# One reactor run with -am: the sibling modules resolve to their target/classes, not to stale jars in ~/.m2.
# (Every module writes the file; the selected one comes last.)
./mvnw -B -q -pl service-support -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$cp_file" >/dev/null
for _ in $(seq "${1:-5}"); do
  "$JAVA_HOME/bin/java" -Djava.util.logging.config.file=/dev/null \
    -cp "service-support/target/test-classes:service-support/target/classes:$(cat "$cp_file")" \
    io.kubeopencode.service.bench.StartupBenchmark
done
