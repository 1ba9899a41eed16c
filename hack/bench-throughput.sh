#!/usr/bin/env bash
# Benchmark: the controller's throughput on a real control plane (kube-apiserver, the Job controller at its default
# client rate, kube-scheduler, kwok). The controller runs as its own process, as hack/run.sh starts it. Prints, per
# scenario: Task created -> workload -> Running -> finished (p50/p95/p99/max), end-to-end Tasks/s, API requests by
# verb and resource (all clients, and the controller's own), the controller's CPU seconds and RSS; writes a per-Task CSV.
# Usage: hack/bench-throughput.sh [burst|steady|both] [-Dbench.KEY=VALUE...]
#   burst:  bench.tasks=1000 Tasks created as fast as the client can
#   steady: bench.rate=50 Tasks/s for bench.seconds=60
#   also:   bench.run-ms=200 (how long each kwok pod runs), bench.audit=true (the API server's audit log tells the
#           controller's requests apart), bench.controller-jvm="flags" (after hack/service-jvm-flags),
#           bench.timeout-minutes=20, bench.aot=true (the controller with its JDK AOT cache, trained by
#           hack/aot-cache.sh if there is none for this jar and JDK: "start -> first workload" of a warm JVM)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. .mvn/select-jdk.sh
. hack/lib/bench-build.sh
scenario="${1:-both}"
case "$scenario" in
  burst|steady|both) shift || true ;;
  *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
for arg in "$@"; do
  [[ "$arg" == -Dbench.* ]] || { echo "unknown argument: $arg (expected -Dbench.KEY=VALUE)" >&2; exit 2; }
done
# package: the controller's jar and target/libs/, which the benchmark starts as a process.
bench_build controller-service package -DskipTests
bench_kube_binaries
for arg in "$@"; do
  if [[ "$arg" == -Dbench.aot=true ]]; then
    set -- "$@" "-Dbench.aot-cache=$(bash hack/aot-cache.sh controller --no-build)"
    break
  fi
done
exec "$JAVA_HOME/bin/java" -Dkubeopencode.root="$root" "$@" -Djava.util.logging.config.file=/dev/null \
  -cp "$bench_classpath" io.kubeopencode.controller.bench.ThroughputBenchmark "$scenario"
