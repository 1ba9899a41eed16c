#!/usr/bin/env bash
# Benchmark: a burst of Tasks against the controller on a real API server with the Job controller and kwok.
# Prints Task -> Job latency percentiles and API writes per Task.
# Usage: hack/bench-controller.sh [tasks=1000] [workers=4]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. .mvn/select-jdk.sh
. hack/lib/bench-build.sh
bench_build controller-service
bench_kube_binaries
"$JAVA_HOME/bin/java" -Dkubeopencode.root="$root" -Dbench.tasks="${1:-1000}" -Dbench.workers="${2:-4}" \
  -Djava.util.logging.config.file=/dev/null \
  -cp "$bench_classpath" \
  io.kubeopencode.controller.bench.BurstBenchmark
