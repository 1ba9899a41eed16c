#!/usr/bin/env bash
# Benchmark: a service's web server from start() to a ready /observe/health/ready, in fresh JVMs (cold) and a second
# server in the same JVM (warm). Prints one "cold ..." and one "warm ..." line per run.
# Usage: hack/bench-service-startup.sh [runs=5]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. .mvn/select-jdk.sh
. hack/lib/bench-build.sh
bench_build service-support
for _ in $(seq "${1:-5}"); do
  "$JAVA_HOME/bin/java" -Djava.util.logging.config.file=/dev/null \
    -cp "$bench_classpath" \
    io.kubeopencode.service.bench.StartupBenchmark
done
