#!/usr/bin/env bash
# Provisions what a real one-node cluster needs besides the control plane (hack/kube-binaries.sh) and the container
# runtime (hack/containerd.sh: containerd and runc): kubelet and kube-proxy of the same pinned Kubernetes version,
# the CNI plugins bridge, host-local, loopback and portmap, and CoreDNS (one static binary, meant to run on the host,
# listening on the pods' bridge address, as the kubelet's clusterDNS). It also installs Debian's iptables package
# when it is missing (kube-proxy's iptables mode and the kubelet need the command; root only, else a warning).
# --check tells instead whether this machine can run a node at all.
#
# Where the official release downloads are reachable they are used; otherwise the binaries are built from Go
# modules (wrapper modules written to a temporary directory, never committed); with neither, it fails saying so.
# The result is cached by version in a directory of its own (the control-plane cache is not touched), so a second
# run only checks a stamp file. A lock makes concurrent callers wait for the one that provisions.
#
# Usage: hack/node-binaries.sh [--print-dir | --print-paths]
#          provisions (or finds in the cache); --print-dir prints the directory, --print-paths NAME=PATH lines:
#          kubelet, kube-proxy, coredns, cni-bin-dir (the CNI plugins' directory) and the versions.
#        hack/node-binaries.sh --check
#          provisions nothing and changes nothing that outlasts it: one line per requirement on stdout,
#          "ok NAME", "warn NAME: why" or "missing NAME: why"; exit code 0 when nothing is missing, 3 when
#          something is (it briefly creates and deletes a bridge and a veth pair to prove the kernel allows them).
# Env:   KUBEOPENCODE_CACHE (default ~/.cache/kubeopencode): the binaries go to <it>/node/<k8s version>-linux-amd64/
#        (kubelet, kube-proxy, coredns, cni/{bridge,host-local,loopback,portmap}).
#        KUBEOPENCODE_BINARIES=download|build|auto (default auto), as for hack/kube-binaries.sh.
set -euo pipefail
# shellcheck source=lib/k8s-module.sh
source "$(dirname "$0")/lib/k8s-module.sh"

# The same Kubernetes version as hack/kube-binaries.sh. It stays 1.34: 1.35 wants cgroup v2 (these machines mount
# cgroup v1) and containerd 2 (Debian 12 has 1.6).
K8S_VERSION=1.34.4
CNI_PLUGINS_VERSION=1.10.0
COREDNS_VERSION=1.14.7
CNI_PLUGINS=(bridge host-local loopback portmap)

cache="${KUBEOPENCODE_CACHE:-$HOME/.cache/kubeopencode}"
dir="$cache/node/${K8S_VERSION}-linux-amd64"
stamp="$dir/.kubeopencode-stamp"
want="k8s=${K8S_VERSION} cni-plugins=${CNI_PLUGINS_VERSION} coredns=${COREDNS_VERSION}"
bins=(kubelet kube-proxy coredns "${CNI_PLUGINS[@]/#/cni/}")
mode="${KUBEOPENCODE_BINARIES:-auto}"

log() { printf '[node-binaries] %s\n' "$*" >&2; }
die() { printf '[node-binaries] ERROR: %s\n' "$*" >&2; exit 1; }

case "${1:-}" in
  ""|--print-dir|--print-paths|--check) ;;
  *) die "unknown argument '$1' (usage: hack/node-binaries.sh [--print-dir | --print-paths | --check])" ;;
esac

# ---------------------------------------------------------------------------------------------------------------
# --check: can this machine run a kubelet, kube-proxy and bridge networking? Named results, no lasting change.
# ---------------------------------------------------------------------------------------------------------------
check_machine() {
  local missing=0 uid out
  ok() { echo "ok $1"; }
  warn() { echo "warn $1: $2"; }
  miss() { echo "missing $1: $2"; missing=1; }

  if [[ "$(uname -s)-$(uname -m)" == "Linux-x86_64" ]]; then ok linux-amd64
  else miss linux-amd64 "this is $(uname -s)/$(uname -m); the binaries are for linux/amd64"; fi

  uid="$(id -u)"
  local ro="mounted read-only?"
  [[ "$uid" -eq 0 ]] || ro="not root"
  if [[ "$uid" -eq 0 ]]; then ok root
  else miss root "running as uid $uid; the kubelet, containerd, bridge networking and iptables need root"; fi

  # cgroups: what the kubelet's validateSystemRequirements (1.34) insists on. With cgroup v2 (unified) the
  # controllers must be enabled at the root; with v1 each must be a mounted hierarchy (as /proc/self/mountinfo
  # lists them, which is what the kubelet reads), writable.
  local fstype
  fstype="$(awk '$5 == "/sys/fs/cgroup" {for (i = 7; $i != "-"; i++); print $(i + 1)}' /proc/self/mountinfo | tail -1)"
  if [[ "$fstype" == cgroup2 ]]; then
    local controllers c
    controllers="$(cat /sys/fs/cgroup/cgroup.controllers 2>/dev/null)" || true
    for c in cpu cpuset memory pids; do
      if [[ " $controllers " == *" $c "* ]]; then ok "cgroup-$c"
      else miss "cgroup-$c" "cgroup v2 is mounted on /sys/fs/cgroup but its controller '$c' is not available (cgroup.controllers: '$controllers')"; fi
    done
    if [[ -w /sys/fs/cgroup ]]; then ok cgroup-writable
    else miss cgroup-writable "/sys/fs/cgroup (cgroup v2) is not writable ($ro)"; fi
  else
    local c mp
    for c in cpu cpuacct cpuset memory pids; do
      # field 5: mount point; after "-": fstype, source, super options (the controllers of a v1 hierarchy)
      mp="$(awk -v c="$c" '{for (i = 7; $i != "-"; i++); if ($(i + 1) != "cgroup") next;
              n = split($(i + 3), o, ","); for (j = 1; j <= n; j++) if (o[j] == c) {print $5; exit}}' /proc/self/mountinfo)"
      if [[ "$c" == pids && ( -z "$mp" || ! -w "$mp" ) ]]; then
        warn cgroup-pids "no writable cgroup v1 hierarchy with the 'pids' controller: pod PID limits will not apply"
      elif [[ -z "$mp" ]]; then
        if [[ -z "$fstype" ]]; then
          miss "cgroup-$c" "nothing is mounted on /sys/fs/cgroup: the kubelet needs the cgroup v1 controller '$c' (or cgroup v2)"
        else
          miss "cgroup-$c" "no cgroup v1 hierarchy with the controller '$c' is mounted (see /proc/self/mountinfo); the kubelet 1.34 requires cpu, cpuacct, cpuset and memory"
        fi
      elif [[ ! -w "$mp" ]]; then
        miss "cgroup-$c" "the cgroup v1 hierarchy of '$c' at $mp is not writable ($ro)"
      else
        ok "cgroup-$c"
        if [[ "$c" == cpu ]]; then
          if [[ -e "$mp/cpu.cfs_quota_us" && -e "$mp/cpu.cfs_period_us" ]]; then ok cgroup-cpu-cfs
          else warn cgroup-cpu-cfs "$mp has no cpu.cfs_quota_us/cpu.cfs_period_us: CPU limits will not be enforced"; fi
        fi
      fi
    done
  fi

  # Kernel tunables the kubelet sets at start (it fails when it cannot) and those bridge networking and
  # kube-proxy set. access(2) reports EROFS for a read-only /proc/sys.
  local s
  for s in vm/overcommit_memory vm/panic_on_oom kernel/panic kernel/panic_on_oops kernel/keys/root_maxkeys \
      kernel/keys/root_maxbytes net/ipv4/ip_forward net/ipv4/conf/all/route_localnet; do
    if [[ ! -e "/proc/sys/$s" ]]; then miss "sysctl-${s//\//.}" "/proc/sys/$s does not exist"
    elif [[ ! -w "/proc/sys/$s" ]]; then miss "sysctl-${s//\//.}" "/proc/sys/$s is not writable ($ro)"
    else ok "sysctl-${s//\//.}"; fi
  done

  # The kubelet's OOM watcher reads the kernel log; without it the kubelet does not start.
  if [[ -c /dev/kmsg ]] && { : </dev/kmsg; } 2>/dev/null; then ok kmsg
  else miss kmsg "/dev/kmsg cannot be opened for reading: the kubelet's OOM watcher needs it"; fi

  # Commands the kubelet runs for volumes.
  local cmd
  for cmd in mount umount; do
    if command -v "$cmd" >/dev/null 2>&1; then ok "command-$cmd"
    else miss "command-$cmd" "no '$cmd' command (Debian's mount package): the kubelet mounts volumes with it"; fi
  done

  # iptables: kube-proxy's iptables mode writes its rules with it; it must reach the kernel (nf_tables or legacy).
  if ! command -v iptables >/dev/null 2>&1; then
    miss iptables "no iptables command: kube-proxy (iptables mode) needs it; install Debian's iptables package (hack/node-binaries.sh does so when run as root)"
  elif [[ "$uid" -ne 0 ]]; then
    miss iptables "iptables is installed but cannot be checked without root"
  else
    if out="$(iptables -w 5 -t filter -S 2>&1 >/dev/null && iptables -w 5 -t nat -S 2>&1 >/dev/null)"; then
      ok iptables
    else
      miss iptables "$(iptables --version 2>/dev/null || echo iptables) cannot read the kernel's filter/nat tables: ${out//$'\n'/ }"
    fi
  fi

  # Bridge networking: the bridge CNI plugin creates a bridge, a veth pair per pod and a network namespace per pod.
  if ! command -v ip >/dev/null 2>&1; then
    miss bridge "cannot check: no 'ip' command (Debian's iproute2)"
    miss veth "cannot check: no 'ip' command (Debian's iproute2)"
  elif [[ "$uid" -ne 0 ]]; then
    miss bridge "cannot check without root (ip link add type bridge)"
    miss veth "cannot check without root (ip link add type veth)"
  else
    # Names of this process's own (at most 15 characters), removed again even when the check is interrupted.
    br="kocb$$" va="koca$$" vb="kocp$$"
    trap 'ip link del "$br" >/dev/null 2>&1 || true; ip link del "$va" >/dev/null 2>&1 || true' EXIT
    trap 'exit 130' INT TERM
    if out="$(ip link add name "$br" type bridge 2>&1)"; then
      ok bridge
      ip link del "$br" >/dev/null 2>&1 || true
    else
      miss bridge "the kernel refused a bridge device (ip link add type bridge: ${out//$'\n'/ }); the bridge CNI plugin needs one (CONFIG_BRIDGE)"
    fi
    if out="$(ip link add name "$va" type veth peer name "$vb" 2>&1)"; then
      ok veth
      ip link del "$va" >/dev/null 2>&1 || true
    else
      miss veth "the kernel refused a veth pair (ip link add type veth: ${out//$'\n'/ }); the bridge CNI plugin needs one per pod (CONFIG_VETH)"
    fi
  fi
  if [[ "$uid" -eq 0 ]] && command -v unshare >/dev/null 2>&1; then
    if out="$(unshare --net true 2>&1)"; then ok netns
    else miss netns "cannot create a network namespace (unshare --net: ${out//$'\n'/ }); every pod needs one"; fi
  elif [[ "$uid" -eq 0 ]]; then
    miss netns "cannot check: no 'unshare' command (Debian's util-linux)"
  else
    miss netns "cannot check without root (unshare --net)"
  fi
  # A pod reaching a Service whose endpoint is a pod on the same bridge needs bridged traffic to pass iptables.
  if [[ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]]; then ok br-netfilter
  else warn br-netfilter "/proc/sys/net/bridge/bridge-nf-call-iptables is missing (module br_netfilter not loaded): a pod cannot reach a Service backed by another pod on the same bridge"; fi

  if ((missing)); then
    log "this machine cannot run a Kubernetes node: see the 'missing' lines"
    return 3
  fi
  return 0
}

if [[ "${1:-}" == "--check" ]]; then
  rc=0
  check_machine || rc=$?
  exit "$rc"
fi

# ---------------------------------------------------------------------------------------------------------------
# Provisioning
# ---------------------------------------------------------------------------------------------------------------
if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then
  die "only linux/amd64 is supported by this script (found $(uname -s)/$(uname -m))"
fi

complete() {
  [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] || return 1
  local b; for b in "${bins[@]}"; do [[ -x "$dir/$b" ]] || return 1; done
}

# kube-proxy (iptables mode) and the kubelet run the iptables command; Debian's package provides it.
ensure_iptables() {
  command -v iptables >/dev/null 2>&1 && return 0
  if [[ "$(id -u)" -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    log "WARNING: no iptables command, and this script can install Debian's iptables package only as root on Debian: kube-proxy needs it"
    return 0
  fi
  if [[ -z "$(apt-cache policy iptables 2>/dev/null | awk '/Candidate:/ {print $2}' | grep -v '(none)')" ]]; then
    log "no installation candidate for iptables: apt-get update"
    apt-get update -qq >&2 || die "apt-get update failed"
  fi
  log "installing iptables (apt-get install --no-install-recommends)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 iptables >&2 \
    || die "apt-get install iptables failed (see above)"
}

print_result() {
  case "${1:-}" in
    --print-dir) echo "$dir" ;;
    --print-paths)
      echo "kubelet=$dir/kubelet"
      echo "kube-proxy=$dir/kube-proxy"
      echo "coredns=$dir/coredns"
      echo "cni-bin-dir=$dir/cni"
      echo "kubernetes-version=$K8S_VERSION"
      echo "cni-plugins-version=$CNI_PLUGINS_VERSION"
      echo "coredns-version=$COREDNS_VERSION" ;;
  esac
}

mkdir -p "$dir"
# Several Maven modules or test JVMs may ask at once: one provisions, the others wait for it.
exec 9>"$dir/.lock"
flock 9

if complete; then
  ensure_iptables
  print_result "${1:-}"
  exit 0
fi

tmp="$(mktemp -d "$cache/node/tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/cni"

fetch_verified() { # URL FILE: downloads URL to FILE and checks it against URL.sha256 (its first word)
  local sum
  curl -fsSL --retry 3 -o "$2" "$1" || return 1
  sum="$(curl -fsSL --retry 3 "$1.sha256" | awk '{print $1; exit}')" || return 1
  [[ -n "$sum" ]] && echo "$sum  $2" | sha256sum -c --quiet - >&2 || { log "checksum mismatch for $1"; return 1; }
}

try_download() {
  local k8s="https://dl.k8s.io/release/v${K8S_VERSION}/bin/linux/amd64"
  local cni="https://github.com/containernetworking/plugins/releases/download/v${CNI_PLUGINS_VERSION}/cni-plugins-linux-amd64-v${CNI_PLUGINS_VERSION}.tgz"
  local coredns="https://github.com/coredns/coredns/releases/download/v${COREDNS_VERSION}/coredns_${COREDNS_VERSION}_linux_amd64.tgz"
  curl -fsS --max-time 10 -o /dev/null "https://dl.k8s.io/release/stable.txt" 2>/dev/null || return 1
  log "downloading kubelet and kube-proxy ${K8S_VERSION}, CNI plugins ${CNI_PLUGINS_VERSION} and CoreDNS ${COREDNS_VERSION}"
  local b p
  for b in kubelet kube-proxy; do
    fetch_verified "$k8s/$b" "$tmp/$b" || return 1
  done
  fetch_verified "$cni" "$tmp/cni.tgz" || return 1
  mkdir -p "$tmp/cni-all" "$tmp/coredns-all"
  tar -xzf "$tmp/cni.tgz" -C "$tmp/cni-all" || return 1
  for p in "${CNI_PLUGINS[@]}"; do
    mv -f "$tmp/cni-all/$p" "$tmp/cni/$p" || return 1
  done
  fetch_verified "$coredns" "$tmp/coredns.tgz" || return 1
  tar -xzf "$tmp/coredns.tgz" -C "$tmp/coredns-all" || return 1
  mv -f "$tmp/coredns-all/coredns" "$tmp/coredns" || return 1
}

build_node_k8s() {
  log "building kubelet and kube-proxy ${K8S_VERSION} from Go modules (a few minutes when hack/kube-binaries.sh has built the control plane on this machine; 10-20 min cold)"
  k8s_build "$K8S_VERSION" "$tmp/k8s-mod" "$tmp" kubelet kube-proxy
}

build_cni() {
  # github.com/containernetworking/plugins has no replace directives: go install works as is.
  log "building the CNI plugins ${CNI_PLUGINS[*]} ${CNI_PLUGINS_VERSION} from Go modules"
  local m=github.com/containernetworking/plugins pkgs=() p
  for p in "${CNI_PLUGINS[@]}"; do
    case "$p" in
      host-local) pkgs+=("$m/plugins/ipam/$p@v${CNI_PLUGINS_VERSION}") ;;
      portmap) pkgs+=("$m/plugins/meta/$p@v${CNI_PLUGINS_VERSION}") ;;
      *) pkgs+=("$m/plugins/main/$p@v${CNI_PLUGINS_VERSION}") ;;
    esac
  done
  (cd "$tmp" && GOBIN="$tmp/cni" CGO_ENABLED=0 go install -trimpath \
    -ldflags "-s -w -X $m/pkg/utils/buildversion.BuildVersion=v${CNI_PLUGINS_VERSION}" "${pkgs[@]}")
}

build_coredns() {
  # github.com/coredns/coredns has no replace directives either; its plugins are compiled in (core/plugin).
  log "building CoreDNS ${COREDNS_VERSION} from Go modules"
  (cd "$tmp" && GOBIN="$tmp" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" \
    "github.com/coredns/coredns@v${COREDNS_VERSION}")
}

try_build() {
  command -v go >/dev/null 2>&1 || return 1
  build_cni && build_coredns && build_node_k8s
}

start=$SECONDS
case "$mode" in
  download) try_download || die "download of the node binaries failed" ;;
  build)
    command -v go >/dev/null 2>&1 || die "KUBEOPENCODE_BINARIES=build, but no 'go' toolchain is installed (install Go >= 1.26)"
    try_build || die "building the node binaries from Go modules failed (see above)" ;;
  auto)
    if ! try_download; then
      find "$tmp" -mindepth 1 -maxdepth 1 ! -name cni -exec rm -rf {} +
      rm -f "$tmp"/cni/*
      command -v go >/dev/null 2>&1 || die "cannot provision the node binaries: the release downloads are unreachable and no 'go' toolchain is installed to build them from Go modules (install Go >= 1.26, or allow access to dl.k8s.io and github.com)"
      try_build || die "cannot provision the node binaries: the release downloads are unreachable and building from Go modules failed (see above)"
    fi ;;
  *) die "KUBEOPENCODE_BINARIES must be download, build or auto (was '$mode')" ;;
esac

# What was provisioned must say it is what was asked for.
version_of() {
  case "$1" in
    kubelet|kube-proxy) "$tmp/$1" --version 2>&1 | head -1 ;;
    coredns) "$tmp/coredns" -version 2>&1 | head -1 ;;
  esac
}
for b in "${bins[@]}"; do
  [[ -f "$tmp/$b" ]] || die "provisioning produced no $b"
  chmod 0755 "$tmp/$b"
done
for b in kubelet kube-proxy; do
  [[ "$(version_of "$b")" == "Kubernetes v${K8S_VERSION}" ]] || die "$b says '$(version_of "$b")', expected Kubernetes v${K8S_VERSION}"
done
[[ "$(version_of coredns)" == "CoreDNS-${COREDNS_VERSION}" ]] || die "coredns says '$(version_of coredns)', expected CoreDNS-${COREDNS_VERSION}"

rm -f "$stamp"
mkdir -p "$dir/cni"
for b in "${bins[@]}"; do
  mv -f "$tmp/$b" "$dir/$b"
done
echo "$want" >"$stamp"
log "ready in $dir ($((SECONDS - start)) s)"
ensure_iptables
print_result "${1:-}"
exit 0
