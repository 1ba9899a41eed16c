#!/usr/bin/env bash
# Benchmark: the controller's RSS with many Tasks in the cluster (its jar as a separate process, against a real
# API server). Usage: hack/bench-controller-memory.sh [tasks=10000] ["JVM flags"]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. .mvn/select-jdk.sh
./mvnw -B -q -pl controller-service -am package -DskipTests >/dev/null
./mvnw -B -q -pl controller-service test-compile >/dev/null
bash hack/kube-binaries.sh >/dev/null
cp_file="$(mktemp)"
./mvnw -B -q -pl controller-service dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$cp_file" >/dev/null
exec "$JAVA_HOME/bin/java" -Dkubeopencode.root="$root" -Dbench.tasks="${1:-10000}" \
  -Dbench.jvm="${2:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:MaxRAM=256m}" \
  -Djava.util.logging.config.file=/dev/null \
  -cp "controller-service/target/test-classes:controller-service/target/classes:$(cat "$cp_file")" \
  io.kubeopencode.controller.bench.MemoryBenchmark
