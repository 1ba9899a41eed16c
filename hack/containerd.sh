#!/usr/bin/env bash
# Provisions what the image tests need to run containers under a private containerd (see
# test-support's io.kubeopencode.testsupport.Containerd): Debian's containerd and runc packages, and a static
# busybox (Debian's busybox-static, extracted, never installed) for the tests' tiny image.
#
# Idempotent: when the packages are installed and the busybox cache is complete it only checks and prints.
# It never starts a daemon: the package's own service start is refused by policy-rc.d during the installation
# (there is no systemd here anyway), and a containerd that appears during the installation is reported and ended.
#
# Usage: hack/containerd.sh [--print-paths]
#   prints NAME=PATH lines on stdout: containerd, ctr, containerd-shim-runc-v2, runc, busybox (and the versions);
#   everything else goes to stderr. (--print-paths, what test-support passes, is the default anyway.)
# Env:   KUBEOPENCODE_CACHE (default ~/.cache/kubeopencode): where busybox is cached, by version.
set -euo pipefail

# containerd 1.6 (Debian 12) is what the configuration written by Containerd.java and the facts in
# docs/development.md were verified with; 1.7 reads the same configuration.
SUPPORTED_CONTAINERD='^1\.(6|7)\.'
PACKAGES=(containerd runc)

cache="${KUBEOPENCODE_CACHE:-$HOME/.cache/kubeopencode}"

log() { printf '[containerd] %s\n' "$*" >&2; }
die() { printf '[containerd] ERROR: %s\n' "$*" >&2; exit 1; }

if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then
  die "only linux/amd64 is supported by this script (found $(uname -s)/$(uname -m))"
fi
command -v dpkg-query >/dev/null 2>&1 || die "this script needs a Debian-based system (no dpkg-query found)"

installed_version() { # prints the installed version of a package, or nothing
  dpkg-query -W -f='${db:Status-Status} ${Version}\n' "$1" 2>/dev/null | awk '$1 == "installed" {print $2}'
}

service_containerd_pids() { # PIDs of a containerd as the package's service starts it: no arguments at all
  local p exe args
  for p in /proc/[0-9]*; do
    exe="$(readlink "$p/exe" 2>/dev/null)" || continue
    [[ "$exe" == */containerd ]] || continue
    args="$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)" || continue
    # A test's private containerd always has --config: never touch one.
    [[ "${args% }" == *containerd ]] && echo "${p#/proc/}"
  done
  return 0
}

# Makes sure invoke-rc.d/deb-systemd-invoke refuse to start services while the packages are installed: uses the
# machine's policy-rc.d when it already refuses (exit 101), else puts one in place and restores the original.
policy=/usr/sbin/policy-rc.d
policy_backup=""
policy_created=false
restore_policy() { # idempotent
  if [[ -n "$policy_backup" ]]; then
    mv -f "$policy_backup" "$policy"
  elif $policy_created; then
    rm -f "$policy"
  fi
  policy_backup=""
  policy_created=false
}
refuse_service_starts() {
  local rc=0
  if [[ -x "$policy" ]]; then
    "$policy" containerd.service start >/dev/null 2>&1 || rc=$?
    [[ $rc -eq 101 ]] && return 0
    policy_backup="$(mktemp "$policy.kubeopencode.XXXXXX")"
    cp -p "$policy" "$policy_backup"
  else
    policy_created=true
  fi
  trap restore_policy EXIT
  printf '#!/bin/sh\n# hack/containerd.sh: no service starts while it installs packages (removed afterwards)\nexit 101\n' >"$policy"
  chmod 0755 "$policy"
}

install_packages() {
  local missing=("$@")
  if [[ "$(id -u)" -ne 0 ]]; then
    die "the Debian packages ${missing[*]} are not installed and installing them needs root; run:
  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
  fi
  local p need_update=false
  for p in "${missing[@]}"; do
    if [[ -z "$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}' | grep -v '(none)')" ]]; then
      need_update=true
    fi
  done
  if $need_update; then
    log "no installation candidate for some of ${missing[*]}: apt-get update"
    apt-get update -qq >&2 || die "apt-get update failed"
  fi
  refuse_service_starts
  local before after pid
  before="$(service_containerd_pids)"
  log "installing ${missing[*]} (apt-get install --no-install-recommends)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o DPkg::Lock::Timeout=600 "${missing[@]}" >&2 \
    || die "apt-get install ${missing[*]} failed (see above)"
  restore_policy
  trap - EXIT
  after="$(service_containerd_pids)"
  for pid in $after; do
    if ! grep -qx "$pid" <<<"$before"; then
      log "the installation started a containerd daemon (PID $pid): ending it"
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
}

binary() { # a package's binary, by its path in the package
  local path="$1"
  [[ -x "$path" ]] || die "$path is missing although its package is installed (reinstall: apt-get install --reinstall ${PACKAGES[*]})"
  echo "$path"
}

ensure_busybox() { # extracts Debian's static busybox into the cache (once per version) and prints its path
  local version dir tmp deb
  version="$(apt-cache policy busybox-static 2>/dev/null | awk '/Candidate:/ {print $2}')"
  if [[ -z "$version" || "$version" == "(none)" ]]; then
    # Offline or without package lists: use what is cached already.
    dir="$(ls -d "$cache"/busybox-static/*/ 2>/dev/null | sort -V | tail -1)"
    [[ -n "$dir" && -x "$dir/bin/busybox" ]] \
      || die "no candidate for busybox-static and nothing cached in $cache/busybox-static (run: apt-get update)"
    echo "${dir%/}/bin/busybox"
    return
  fi
  dir="$cache/busybox-static/${version//[:~]/_}"
  if [[ ! -x "$dir/bin/busybox" ]]; then
    mkdir -p "$cache/busybox-static"
    tmp="$(mktemp -d "$cache/busybox-static/tmp.XXXXXX")"
    log "downloading busybox-static $version (extracted into $dir, not installed)"
    # As root, apt's download sandbox user (_apt) cannot write to a private temporary directory.
    (cd "$tmp" && apt-get download -qq -o APT::Sandbox::User="$(id -un)" "busybox-static=$version" >&2) \
      || { rm -rf "$tmp"; die "apt-get download busybox-static=$version failed"; }
    deb="$(ls "$tmp"/*.deb)"
    mkdir -p "$tmp/root"
    dpkg-deb -x "$deb" "$tmp/root"
    [[ -x "$tmp/root/bin/busybox" ]] || { rm -rf "$tmp"; die "busybox-static $version has no bin/busybox"; }
    mkdir -p "$dir/bin"
    mv -f "$tmp/root/bin/busybox" "$dir/bin/busybox"
    rm -rf "$tmp"
  fi
  echo "$dir/bin/busybox"
}

mkdir -p "$cache"
# Several Maven modules (or test JVMs) may ask at once: one provisions, the others wait for it.
exec 9>"$cache/.containerd-provision.lock"
flock 9

missing=()
for p in "${PACKAGES[@]}"; do
  [[ -n "$(installed_version "$p")" ]] || missing+=("$p")
done
if ((${#missing[@]})); then
  install_packages "${missing[@]}"
fi

containerd="$(binary /usr/bin/containerd)"
ctr="$(binary /usr/bin/ctr)"
shim="$(binary /usr/bin/containerd-shim-runc-v2)"
runc="$(binary /usr/sbin/runc)"
version="$("$containerd" --version | awk '{print $3}')"
version="${version#v}"
[[ "$version" =~ $SUPPORTED_CONTAINERD ]] \
  || die "containerd $version is installed; the tests' configuration is for containerd 1.6 or 1.7"
busybox="$(ensure_busybox)"

echo "containerd=$containerd"
echo "ctr=$ctr"
echo "containerd-shim-runc-v2=$shim"
echo "runc=$runc"
echo "busybox=$busybox"
echo "containerd-version=$version"
echo "runc-version=$("$runc" --version | awk 'NR == 1 {print $3}')"
