#!/usr/bin/env bash
# Benchmark: a burst of Tasks against the controller on a real API server with the Job controller and kwok.
# Prints Task -> Job latency percentiles and API writes per Task.
# Usage: hack/bench-controller.sh [tasks=1000] [workers=4]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. .mvn/select-jdk.sh
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
# One reactor run with -am: the sibling modules resolve to their target/classes, not to stale jars in ~/.m2.
# (Every module writes the file; the selected one comes last.)
./mvnw -B -q -pl controller-service -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$cp_file" >/dev/null
bash hack/kube-binaries.sh >/dev/null
"$JAVA_HOME/bin/java" -Dkubeopencode.root="$root" -Dbench.tasks="${1:-1000}" -Dbench.workers="${2:-4}" \
  -Djava.util.logging.config.file=/dev/null \
  -cp "controller-service/target/test-classes:controller-service/target/classes:$(cat "$cp_file")" \
  io.kubeopencode.controller.bench.BurstBenchmark
