#!/usr/bin/env bash
# Runs KubeOpenCode (the controller-service and the cleanup-service) against the current kubeconfig's cluster. Without a kubeconfig it
# first starts an embedded local control plane (kube-apiserver, etcd, Job controller, GC and a kwok node whose pods
# are simulated) and runs against that. Stop with Ctrl-C.
#
# Each service uses its JDK AOT cache when hack/aot-cache.sh has trained one for this jar and JDK (a faster start).
#
# Env: KUBECONFIG (as kubectl uses it); anything of docs/controller.md as env vars, e.g. CONTROLLER_NAMESPACES.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. .mvn/select-jdk.sh
java="$JAVA_HOME/bin/java"
. hack/lib/aot.sh

log() { printf '[run] %s\n' "$*" >&2; }

log "building the services"
./mvnw -B -q -DskipTests -Dimage.skip=true -pl controller-service,cleanup-service -am package

kubeconfig="${KUBECONFIG:-$HOME/.kube/config}"
local_pid=""
cleanup() {
  if [[ -n "$local_pid" ]]; then
    kill "$local_pid" 2>/dev/null || true
    wait "$local_pid" 2>/dev/null || true
    local_pid=""
  fi
}
trap cleanup EXIT INT TERM

if [[ -f "${kubeconfig%%:*}" ]]; then
  kubectl_bin="$(command -v kubectl || true)"
  [[ -n "$kubectl_bin" ]] || kubectl_bin="$(bash hack/kube-binaries.sh --print-dir)/kubectl"
  log "using the cluster of $kubeconfig ($("$kubectl_bin" config current-context 2>/dev/null || echo '?'))"
  "$kubectl_bin" version --request-timeout=10s >/dev/null \
    || { log "ERROR: the cluster of $kubeconfig is not reachable"; exit 1; }
  log "installing the CRDs"
  "$kubectl_bin" apply --server-side -f charts/kubeopencode/crds/ >/dev/null
else
  log "no kubeconfig: starting an embedded local control plane"
  cp_file="$(mktemp)"
  ./mvnw -B -q -pl test-support dependency:build-classpath -Dmdep.outputFile="$cp_file" >/dev/null
  export KUBECONFIG="$root/target/local-control-plane.kubeconfig"
  mkdir -p target && rm -f "$KUBECONFIG"
  "$java" -Dkubeopencode.root="$root" -cp "test-support/target/classes:$(cat "$cp_file")" \
    io.kubeopencode.testsupport.LocalControlPlane "$KUBECONFIG" &
  local_pid=$!
  for _ in $(seq 1 120); do [[ -s "$KUBECONFIG" ]] && break; sleep 1; done
  [[ -s "$KUBECONFIG" ]] || { log "ERROR: the local control plane did not start"; exit 1; }
  log "local control plane ready: export KUBECONFIG=$KUBECONFIG to use kubectl with it"
fi

mapfile -t jvm < <(grep -v '^\s*\(#\|$\)' hack/service-jvm-flags)
# aot_flags SERVICE JAR: -XX:AOTCache=... when hack/aot-cache.sh trained a cache for this jar and JDK (says which).
aot_flags() {
  local cache
  cache="$(aot_cache_path "$1" "$2")"
  if [[ -s "$cache" ]]; then
    log "$1: using the AOT cache $cache"
    printf '%s\n' "-XX:AOTCache=$cache"
  else
    log "$1: no AOT cache for this jar and JDK (hack/aot-cache.sh $1 --no-build trains one: a faster start)"
  fi
}
# Absolute jar paths, as hack/aot-cache.sh trains with: the JVM checks the class path against the cache's.
controller_jar="$root/controller-service/target/kubeopencode-controller.jar"
cleanup_jar="$root/cleanup-service/target/kubeopencode-cleanup.jar"
mapfile -t controller_aot < <(aot_flags controller "$controller_jar")
mapfile -t cleanup_aot < <(aot_flags cleanup "$cleanup_jar")
log "starting the controller (health: http://localhost:${SERVER_PORT:-8080}/observe/health)"
"$java" "${jvm[@]}" "${controller_aot[@]}" -jar "$controller_jar" &
controller_pid=$!
log "starting the cleanup-service (health: http://localhost:${CLEANUP_PORT:-8081}/observe/health)"
SERVER_PORT="${CLEANUP_PORT:-8081}" "$java" "${jvm[@]}" "${cleanup_aot[@]}" -jar "$cleanup_jar" &
cleanup_pid=$!
# Every step may fail (a service already gone, wait's 143): under set -e a failing step would end the trap early and
# leave the local control plane running.
stop_all() {
  kill "$controller_pid" "$cleanup_pid" 2>/dev/null || true
  wait "$controller_pid" "$cleanup_pid" 2>/dev/null || true
  cleanup
}
trap stop_all EXIT INT TERM
wait -n "$controller_pid" "$cleanup_pid"
