#!/usr/bin/env bash
# Runs KubeOpenCode (the controller-service and the cleanup-service) against the current kubeconfig's cluster.
# Without a kubeconfig it first starts a local cluster with one real node (kubelet, containerd, a bridge network,
# kube-proxy, CoreDNS; the project's images imported, nothing pulled), runs a sample Task on it with the scripted
# test agent and shows its outputs; `--kwok` starts a simulated node instead (pods are simulated: for machines that
# cannot run a node, hack/node-binaries.sh --check says why). Stop with Ctrl-C: the local cluster stops and the host
# is restored.
#
# Each service uses its JDK AOT cache when hack/aot-cache.sh has trained one for this jar and JDK (a faster start).
#
# Usage: hack/run.sh [--kwok]
# Env: KUBECONFIG (as kubectl uses it); anything of docs/controller.md as env vars, e.g. CONTROLLER_NAMESPACES.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. .mvn/select-jdk.sh
java="$JAVA_HOME/bin/java"
. hack/lib/aot.sh

log() { printf '[run] %s\n' "$*" >&2; }

node=real
case "${1:-}" in
  --kwok) node=kwok ;;
  "") ;;
  *) echo "usage: hack/run.sh [--kwok]" >&2; exit 2 ;;
esac
kubeconfig="${KUBECONFIG:-$HOME/.kube/config}"
[[ -f "${kubeconfig%%:*}" ]] && node=none

if [[ "$node" == real ]]; then
  if ! checks="$(bash hack/node-binaries.sh --check)"; then
    grep -v '^ok' <<<"$checks" >&2
    log "ERROR: this machine cannot run a real node (above); hack/run.sh --kwok runs with a simulated node"
    exit 1
  fi
  log "building the services and the images (the node imports them; nothing is pulled)"
  ./mvnw -B -q -DskipTests -pl images -am package
else
  log "building the services"
  ./mvnw -B -q -DskipTests -Dimage.skip=true -pl controller-service,cleanup-service -am package
fi

local_pid=""
# Each Java process runs in a session of its own: Ctrl-C in the terminal then reaches only this script, whose trap
# stops them with SIGTERM, so their shutdown hooks run in order (the local cluster's stops the node's processes and
# restores the host). A SIGINT to the whole group would kill the node's processes under the cluster's feet instead.
detached() { setsid "$@" & }
cleanup() {
  if [[ -n "$local_pid" ]]; then
    kill "$local_pid" 2>/dev/null || true
    wait "$local_pid" 2>/dev/null || true
    local_pid=""
  fi
}
trap cleanup EXIT INT TERM

kubectl_bin="$(command -v kubectl || true)"
[[ -n "$kubectl_bin" ]] || kubectl_bin="$(bash hack/kube-binaries.sh --print-dir)/kubectl"
if [[ "$node" == none ]]; then
  log "using the cluster of $kubeconfig ($("$kubectl_bin" config current-context 2>/dev/null || echo '?'))"
  "$kubectl_bin" version --request-timeout=10s >/dev/null \
    || { log "ERROR: the cluster of $kubeconfig is not reachable"; exit 1; }
  log "installing the CRDs"
  "$kubectl_bin" apply --server-side -f charts/kubeopencode/crds/ >/dev/null
else
  local_args=()
  if [[ "$node" == real ]]; then
    log "no kubeconfig: starting a local cluster with a real node (root; the host is restored when it stops)"
    # The project version: the first <version> of the parent POM (the test images are tagged with it).
    version="$(sed -n "s:^  <version>\(.*\)</version>:\1:p" pom.xml | head -1)"
    local_args=(--real-node controller-service/target/*.tar cleanup-service/target/*.tar git-init-image/target/*.tar
      context-init-image/target/*.tar images/target/test-images/*.tar)
  else
    log "no kubeconfig: starting an embedded local control plane with a simulated (kwok) node"
  fi
  cp_file="$(mktemp)"
  ./mvnw -B -q -pl test-support dependency:build-classpath -Dmdep.outputFile="$cp_file" >/dev/null
  export KUBECONFIG="$root/target/local-control-plane.kubeconfig"
  mkdir -p target && rm -f "$KUBECONFIG"
  detached "$java" -Dkubeopencode.root="$root" -cp "test-support/target/classes:$(cat "$cp_file")" \
    io.kubeopencode.testsupport.LocalControlPlane "$KUBECONFIG" "${local_args[@]}"
  local_pid=$!
  for _ in $(seq 1 300); do
    [[ -s "$KUBECONFIG" ]] && break
    kill -0 "$local_pid" 2>/dev/null || { log "ERROR: the local cluster did not start (its log is above)"; exit 1; }
    sleep 1
  done
  [[ -s "$KUBECONFIG" ]] || { log "ERROR: the local cluster did not start within 5 minutes"; exit 1; }
  log "local cluster ready: export KUBECONFIG=$KUBECONFIG to use kubectl with it"
fi

if [[ "$node" == real ]]; then
  # On the local node the services run as users run them: Deployments of this build's images (hack/local/, the
  # objects the Helm chart will render), the images imported on the node.
  log "installing the controller-service and the cleanup-service (namespace kubeopencode-system)"
  sed "s|@VERSION@|$version|" hack/local/kubeopencode.yaml | "$kubectl_bin" apply -f - >/dev/null
  for deployment in kubeopencode-controller kubeopencode-cleanup; do
    "$kubectl_bin" -n kubeopencode-system rollout status "deployment/$deployment" --timeout=180s >&2 \
      || { "$kubectl_bin" -n kubeopencode-system describe pods >&2; log "ERROR: $deployment did not become ready"; exit 1; }
  done
else
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
  detached "$java" "${jvm[@]}" "${controller_aot[@]}" -jar "$controller_jar"
  controller_pid=$!
  log "starting the cleanup-service (health: http://localhost:${CLEANUP_PORT:-8081}/observe/health)"
  detached env SERVER_PORT="${CLEANUP_PORT:-8081}" "$java" "${jvm[@]}" "${cleanup_aot[@]}" -jar "$cleanup_jar"
  cleanup_pid=$!
  # Every step may fail (a service already gone, wait's 143): under set -e a failing step would end the trap early and
  # leave the local control plane running.
  stop_all() {
    kill "$controller_pid" "$cleanup_pid" 2>/dev/null || true
    wait "$controller_pid" "$cleanup_pid" 2>/dev/null || true
    cleanup
  }
  trap stop_all EXIT INT TERM

fi

if [[ "$node" == real ]]; then
  # A sample Agent and Task that really run on the node: the scripted test agent (docs/test-images.md), a Text
  # context, two outputs.
  sed "s|@TEST_AGENT@|kubeopencode/test-agent:$version|" hack/sample.yaml | "$kubectl_bin" apply -f - >/dev/null
  log "sample Task kubeopencode-sample/hello created; waiting for it to finish"
  for _ in $(seq 1 180); do
    phase="$("$kubectl_bin" -n kubeopencode-sample get task hello -o 'jsonpath={.status.phase}' 2>/dev/null || true)"
    [[ "$phase" == Completed || "$phase" == Failed ]] && break
    sleep 1
  done
  "$kubectl_bin" -n kubeopencode-sample get tasks -o wide >&2
  log "its outputs: $("$kubectl_bin" -n kubeopencode-sample get task hello -o 'jsonpath={.status.outputs.parameters}')"
  cat >&2 <<NEXT
[run] next:
  export KUBECONFIG=$KUBECONFIG
  $kubectl_bin get tasks -A -w
  $kubectl_bin -n kubeopencode-sample logs -l kubeopencode.io/task=hello -c agent
  $kubectl_bin -n kubeopencode-sample get task hello -o yaml
  $kubectl_bin -n kubeopencode-system logs deploy/kubeopencode-controller
[run] Ctrl-C stops everything and restores the host.
NEXT
  wait "$local_pid"
else
  wait -n "$controller_pid" "$cleanup_pid"
fi
