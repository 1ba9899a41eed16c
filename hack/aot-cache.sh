#!/usr/bin/env bash
# Trains a JDK AOT cache (JEP 483/514/515) for a service's jar and prints its path. The cache is kept under
# ~/.cache/kubeopencode/aot/<service>-<key>.aot, the key a sha256 of the jar, its target/libs/ (names, sizes, times:
# the JVM ignores a cache whose class path files changed), hack/service-jvm-flags and `java -version`, so a rebuilt
# jar or another JDK gets a new cache; an existing cache is reused. The training run (AotTraining) starts the jar with
# the flags of hack/service-jvm-flags and -XX:AOTCacheOutput against a throw-away control plane, lets it work (the
# controller: two Tasks to finished pods) and stops it with SIGTERM; the JVM writes the cache at exit.
# Use it with: java -XX:AOTCache=<path> <flags> -jar <jar> (a cache that does not match is ignored with a warning).
# Usage: hack/aot-cache.sh <controller|cleanup> [--no-build]   (--no-build: the jar is already built)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. .mvn/select-jdk.sh
. hack/lib/bench-build.sh
. hack/lib/aot.sh
java="$JAVA_HOME/bin/java"
case "${1:-}" in
  controller) jar="$root/controller-service/target/kubeopencode-controller.jar" ;;
  cleanup) jar="$root/cleanup-service/target/kubeopencode-cleanup.jar" ;;
  *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
service="$1"
build=true
[[ "${2:-}" == "--no-build" ]] && build=false

if $build || [[ ! -f "$jar" ]]; then
  # package: the jar and target/libs/; the controller's test classes hold the training driver.
  bench_build controller-service package -DskipTests
  [[ "$service" == cleanup ]] && bench_mvn cleanup-service package -DskipTests
else
  [[ -f controller-service/target/bench.classpath && -d controller-service/target/test-classes ]] \
    || bench_build controller-service package -DskipTests
  bench_classpath="controller-service/target/test-classes:controller-service/target/classes:$(cat controller-service/target/bench.classpath)"
fi
cache="$(aot_cache_path "$service" "$jar")"
if [[ -s "$cache" ]]; then
  printf '[aot] up to date: %s\n' "$cache" >&2
  printf '%s\n' "$cache"
  exit 0
fi
bench_kube_binaries
mkdir -p "$(dirname "$cache")"
tmp="$cache.tmp.$$"
trap 'rm -f "$tmp" "$tmp.config"' EXIT
printf '[aot] training %s (a throw-away control plane; about a minute)\n' "$service" >&2
"$java" -Dkubeopencode.root="$root" -Djava.util.logging.config.file=/dev/null -cp "$bench_classpath" \
  io.kubeopencode.controller.bench.AotTraining "$service" "$jar" "$tmp" >&2
mv "$tmp" "$cache"
# Older caches of this service: another jar or JDK, never used again.
find "$(dirname "$cache")" -name "$service-*.aot" ! -path "$cache" -delete
printf '[aot] written: %s (%s)\n' "$cache" "$(du -h "$cache" | cut -f1)" >&2
printf '%s\n' "$cache"
