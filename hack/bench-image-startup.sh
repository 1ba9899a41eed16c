#!/usr/bin/env bash
# Benchmark: start-up of the four images in real containers (ctr run under a private containerd, read-only root file
# system): the services from launch to a ready /observe/health/ready against a real API server, git-init (a depth-1
# clone of 20 files from git daemon) and context-init (a staged task.md) from launch to exit, and the test pause
# image's `/pause -v` as the baseline (containerd, runc and ctr alone). Each image with its CDS archive; with a memory
# limit (256 MiB services, 128 MiB init programs), which the JVM does not see under bare ctr run; with the limit and
# -XX:MaxRAM=<limit> (the heap it would choose in a pod); with -Xshare:off. Prints every run and min/median/max;
# asserts nothing. Needs root. Figures: docs/images.md ("Start-up in a container").
# Usage: hack/bench-image-startup.sh [-Dbench.runs=7] [-Dbench.warmup=1] [-Dbench.extra="JVM flags"]
#   bench.extra: one more variant of each JVM image with these flags (JDK_JAVA_OPTIONS), e.g. "-Xms32m"
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
for arg in "$@"; do
  [[ "$arg" == -Dbench.* ]] || { sed -n '9,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
done
[[ "$(id -u)" == 0 ]] || { echo "bench-image-startup: needs root (containerd, runc, overlay mounts)" >&2; exit 2; }
. .mvn/select-jdk.sh
. hack/lib/bench-build.sh
# package: the four image tars (the images module depends on the deployables) and the test images' pause tar.
bench_build images package -DskipTests
bench_kube_binaries
exec "$JAVA_HOME/bin/java" -Dkubeopencode.root="$root" "$@" -Djava.util.logging.config.file=/dev/null \
  -cp "$bench_classpath" io.kubeopencode.images.bench.ImageStartupBenchmark
