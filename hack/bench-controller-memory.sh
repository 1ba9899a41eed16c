#!/usr/bin/env bash
# Benchmark: the controller's RSS with many Tasks in the cluster (its jar as a separate process, against a real
# API server). Usage: hack/bench-controller-memory.sh [tasks=10000] ["JVM flags"]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. .mvn/select-jdk.sh
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
# One reactor run with -am: the sibling modules resolve to their target/classes, not to stale jars in ~/.m2.
# (Every module writes the file; the selected one comes last.) package builds the controller's jar and libs/.
./mvnw -B -q -pl controller-service -am package dependency:build-classpath -DskipTests -Dmdep.includeScope=test \
  -Dmdep.outputFile="$cp_file" >/dev/null
bash hack/kube-binaries.sh >/dev/null
"$JAVA_HOME/bin/java" -Dkubeopencode.root="$root" -Dbench.tasks="${1:-10000}" \
  -Dbench.jvm="${2:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:MaxRAM=256m}" \
  -Djava.util.logging.config.file=/dev/null \
  -cp "controller-service/target/test-classes:controller-service/target/classes:$(cat "$cp_file")" \
  io.kubeopencode.controller.bench.MemoryBenchmark
