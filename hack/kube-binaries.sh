#!/usr/bin/env bash
# Provisions the Kubernetes control-plane binaries the real-API-server tests need, for one pinned version:
# etcd, kube-apiserver, kubectl (what kube-api-test runs), kube-controller-manager, kube-scheduler and kwok.
#
# Where the official release downloads are reachable they are used; otherwise the binaries are built from Go
# modules (a small wrapper module written here, never committed); with neither, it fails saying so.
# The result is cached by version, so a second run only checks a stamp file.
#
# Usage: hack/kube-binaries.sh [--print-dir]
# Env:   KUBE_API_TEST_DIR (default ~/.kubeapitest): cache root, shared with kube-api-test.
#        KUBEOPENCODE_BINARIES=download|build|auto (default auto).
set -euo pipefail
# shellcheck source=lib/k8s-module.sh
source "$(dirname "$0")/lib/k8s-module.sh"

K8S_VERSION=1.34.4
ETCD_VERSION=3.6.16
KWOK_VERSION=0.7.0

root="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}"
# kube-api-test looks for etcd, kube-apiserver and kubectl in exactly this directory.
dir="$root/k8s/${K8S_VERSION}-linux-amd64"
stamp="$dir/.kubeopencode-stamp"
want="k8s=${K8S_VERSION} etcd=${ETCD_VERSION} kwok=${KWOK_VERSION}"
bins=(etcd kube-apiserver kubectl kube-controller-manager kube-scheduler kwok)
mode="${KUBEOPENCODE_BINARIES:-auto}"

log() { printf '[kube-binaries] %s\n' "$*" >&2; }
die() { printf '[kube-binaries] ERROR: %s\n' "$*" >&2; exit 1; }

complete() {
  [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] || return 1
  local b; for b in "${bins[@]}"; do [[ -x "$dir/$b" ]] || return 1; done
}

if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then
  die "only linux/amd64 is supported by this script (found $(uname -s)/$(uname -m))"
fi

mkdir -p "$dir"
# Several Maven modules may ask at once: one provisions, the others wait for it.
exec 9>"$dir/.lock"
flock 9

if complete; then
  [[ "${1:-}" == "--print-dir" ]] && echo "$dir"
  exit 0
fi

tmp="$(mktemp -d "$root/tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

try_download() {
  local k8s="https://dl.k8s.io/release/v${K8S_VERSION}/bin/linux/amd64"
  local etcd="https://github.com/etcd-io/etcd/releases/download/v${ETCD_VERSION}/etcd-v${ETCD_VERSION}-linux-amd64.tar.gz"
  local kwok="https://github.com/kubernetes-sigs/kwok/releases/download/v${KWOK_VERSION}/kwok-linux-amd64"
  curl -fsS --max-time 10 -o /dev/null "https://dl.k8s.io/release/stable.txt" 2>/dev/null || return 1
  log "downloading Kubernetes ${K8S_VERSION}, etcd ${ETCD_VERSION} and kwok ${KWOK_VERSION}"
  local b
  for b in kube-apiserver kubectl kube-controller-manager kube-scheduler; do
    curl -fsSL --retry 3 -o "$tmp/$b" "$k8s/$b" || return 1
  done
  curl -fsSL --retry 3 "$etcd" | tar -xz -C "$tmp" --strip-components=1 "etcd-v${ETCD_VERSION}-linux-amd64/etcd" || return 1
  curl -fsSL --retry 3 -o "$tmp/kwok" "$kwok" || return 1
}

build_k8s() {
  log "building Kubernetes ${K8S_VERSION} from Go modules (cold: 10-20 min on 2 cores)"
  k8s_build "$K8S_VERSION" "$tmp/k8s-mod" "$tmp" kube-apiserver kubectl kube-controller-manager kube-scheduler
}

build_etcd() {
  local mod="$tmp/etcd-mod"
  mkdir -p "$mod"
  log "building etcd ${ETCD_VERSION} from Go modules"
  cat >"$mod/go.mod" <<GOMOD
module kubeopencode.local/etcd-binary

go 1.24

require go.etcd.io/etcd/server/v3 v${ETCD_VERSION}
GOMOD
  printf '//go:build tools\n\npackage tools\n\nimport _ "go.etcd.io/etcd/server/v3"\n' >"$mod/tools.go"
  (cd "$mod" && go mod tidy >/dev/null && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$tmp/etcd" go.etcd.io/etcd/server/v3)
}

build_kwok() {
  log "building kwok ${KWOK_VERSION} from Go modules"
  GOBIN="$tmp" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@v${KWOK_VERSION}"
}

try_build() {
  command -v go >/dev/null 2>&1 || return 1
  build_etcd && build_kwok && build_k8s
}

start=$SECONDS
case "$mode" in
  download) try_download || die "download of the Kubernetes binaries failed" ;;
  build) try_build || die "building the Kubernetes binaries from Go modules failed" ;;
  auto)
    if ! try_download; then
      rm -f "$tmp"/* 2>/dev/null || true
      command -v go >/dev/null 2>&1 || die "cannot provision Kubernetes ${K8S_VERSION}: the release downloads are unreachable and no 'go' toolchain is installed to build them from Go modules (install Go >= 1.24, or allow access to dl.k8s.io and github.com)"
      try_build || die "cannot provision Kubernetes ${K8S_VERSION}: the release downloads are unreachable and building from Go modules failed (see above)"
    fi ;;
  *) die "KUBEOPENCODE_BINARIES must be download, build or auto (was '$mode')" ;;
esac

for b in "${bins[@]}"; do
  [[ -f "$tmp/$b" ]] || die "provisioning produced no $b"
  chmod 0755 "$tmp/$b"
  mv -f "$tmp/$b" "$dir/$b"
done
echo "$want" >"$stamp"
log "ready in $dir ($((SECONDS - start)) s)"
[[ "${1:-}" == "--print-dir" ]] && echo "$dir"
exit 0
