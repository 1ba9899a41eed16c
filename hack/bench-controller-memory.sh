#!/usr/bin/env bash
# Benchmark: the controller's RSS with many Tasks in the cluster (its jar as a separate process, against a real
# API server). Usage: hack/bench-controller-memory.sh [tasks=10000] ["JVM flags"]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. .mvn/select-jdk.sh
. hack/lib/bench-build.sh
# package: the controller's jar and target/libs/, which the benchmark starts as a process.
bench_build controller-service package -DskipTests
bench_kube_binaries
"$JAVA_HOME/bin/java" -Dkubeopencode.root="$root" -Dbench.tasks="${1:-10000}" \
  -Dbench.jvm="${2:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:MaxRAM=256m}" \
  -Djava.util.logging.config.file=/dev/null \
  -cp "$bench_classpath" \
  io.kubeopencode.controller.bench.MemoryBenchmark
