#!/usr/bin/env bash
# Benchmarks of the cleanup-service. Print figures; assert nothing.
# Usage: hack/bench-cleanup.sh drain [tasks=1000] [rate=100] [burst=10] [workers=4]
#                                      a backlog of expired Tasks drained on a real API server: rate, steadiness
#        hack/bench-cleanup.sh latency [rounds=5]
#                                      how soon a config, a TTL's timer and the count rule act on a real API server
#        hack/bench-cleanup.sh selector [tasks=10000] [rounds=12]
#                                      planning retention for one namespace of many Tasks (pure, no cluster)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. .mvn/select-jdk.sh
. hack/lib/bench-build.sh
which="${1:-}"
case "$which" in
  drain) main=BacklogDrainBenchmark
    props=(-Dbench.tasks="${2:-1000}" -Dbench.rate="${3:-100}" -Dbench.burst="${4:-10}" -Dbench.workers="${5:-4}") ;;
  latency) main=CleanupLatencyBenchmark; props=(-Dbench.rounds="${2:-5}") ;;
  selector) main=RetentionSelectorBenchmark; props=(-Dbench.tasks="${2:-10000}" -Dbench.rounds="${3:-12}") ;;
  *) sed -n '3,8p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
bench_build cleanup-service
[ "$which" = selector ] || bench_kube_binaries
"$JAVA_HOME/bin/java" -Dkubeopencode.root="$root" "${props[@]}" -Djava.util.logging.config.file=/dev/null \
  -cp "$bench_classpath" \
  "io.kubeopencode.cleanup.bench.$main"
