#!/usr/bin/env bash
# Builds the two TEST images (never shipped; see docs/test-images.md) as image tars, each both an OCI layout and a
# docker-archive (written by hack/images/oci-archive.sh), ready for `ctr -n k8s.io images import`:
#
#   OUT_DIR/kubeopencode-pause.tar       kubeopencode/pause:VERSION       the sandbox image of a local test node
#   OUT_DIR/kubeopencode-test-agent.tar  kubeopencode/test-agent:VERSION  a scripted opencode stand-in + busybox
#   OUT_DIR/bin/pause, OUT_DIR/bin/test-agent  the static programs themselves (the tests run them as processes)
#   OUT_DIR/*.digest                     the manifest digest oci-archive.sh printed for each tar
#
# Usage: hack/images/test-images.sh [--version VERSION] [OUT_DIR]   (defaults: dev, images/target/test-images)
# Env:   KUBEOPENCODE_CACHE (default ~/.cache/kubeopencode): the busybox-static .deb is kept in test-images/ there.
#        BUSYBOX_DEB: a busybox-static .deb to use instead (no apt-get download).
#        CC (default gcc).
#
# Reproducible: the same sources, compiler, C library, busybox .deb and version give byte-identical tars (static
# binaries without symbols or paths, fixed modes and owners, oci-archive.sh's fixed timestamps).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
src="$repo/images/src/main/c"
version=dev
out=""
while (($#)); do
  case "$1" in
    --version) version="${2:?--version needs a value}"; shift 2 ;;
    --version=*) version="${1#--version=}"; shift ;;
    -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "test-images: unknown option $1" >&2; exit 2 ;;
    *) [[ -z "$out" ]] || { echo "test-images: one OUT_DIR only" >&2; exit 2; }; out="$1"; shift ;;
  esac
done
out="${out:-$repo/images/target/test-images}"
cc="${CC:-gcc}"
cache="${KUBEOPENCODE_CACHE:-$HOME/.cache/kubeopencode}/test-images"
oci_archive="$here/oci-archive.sh"

log() { printf '[test-images] %s\n' "$*" >&2; }
die() { printf '[test-images] ERROR: %s\n' "$*" >&2; exit 1; }

[[ "$version" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || die "'$version' is not a valid image tag"
[[ -f "$oci_archive" ]] || die "$oci_archive is missing (it writes the image tars)"
command -v "$cc" >/dev/null || die "no C compiler '$cc' (install gcc)"
[[ -f "$(dirname "$("$cc" -print-file-name=libc.a)")/libc.a" ]] || die "no static C library (install libc6-dev)"

mkdir -p "$out/bin" "$cache"
work="$(mktemp -d "${TMPDIR:-/tmp}/test-images.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Static, stripped, no build paths or times in the output: the same inputs give the same bytes.
compile() { # NAME [extra flags...]
  local name="$1"; shift
  "$cc" -static -Os -s -Wall -Wextra -Werror -std=gnu11 -ffile-prefix-map="$src"=. \
    -DVERSION="\"$version\"" -o "$work/$name" "$src/$name.c" "$@"
  install -m 0755 "$work/$name" "$out/bin/$name"
}
compile pause
compile test-agent -lm
log "compiled pause and test-agent $version with $("$cc" -dumpfullversion) ($(sha256sum "$out/bin/test-agent" | cut -c1-12))"

# busybox: Debian's static build, downloaded once (apt-get download works without installing anything).
deb="${BUSYBOX_DEB:-}"
exec 9>"$cache/.lock"
flock 9 # parallel builds share one download
if [[ -z "$deb" ]]; then
  deb="$(find "$cache" -maxdepth 1 -name 'busybox-static_*_amd64.deb' | sort | tail -n 1)"
fi
if [[ -z "$deb" ]]; then
  log "downloading busybox-static (apt-get download) into $cache"
  (cd "$cache" && apt-get download -o APT::Sandbox::User=root busybox-static >&2) || die "apt-get download busybox-static failed"
  deb="$(find "$cache" -maxdepth 1 -name 'busybox-static_*_amd64.deb' | sort | tail -n 1)"
  [[ -n "$deb" ]] || die "apt-get download left no busybox-static .deb in $cache"
fi
busybox_version="$(dpkg-deb -f "$deb" Version)"
dpkg-deb -x "$deb" "$work/busybox-deb"
flock -u 9

# The sandbox image: /pause alone.
pause_root="$work/pause-root"
mkdir -p "$pause_root"
install -m 0755 "$out/bin/pause" "$pause_root/pause"

# The agent image: upstream's agent image layout (/opencode, /opencode-version, /entrypoint.sh copying it into
# $TOOLS_DIR) with the test agent as "opencode", plus busybox so the same image serves as the executor.
agent_root="$work/agent-root"
mkdir -p "$agent_root"/{bin,usr/bin,usr/local/bin,etc,tmp,tools}
install -m 0755 "$out/bin/test-agent" "$agent_root/opencode"
ln -s /opencode "$agent_root/usr/local/bin/test-agent"
printf 'test-agent %s\n' "$version" >"$agent_root/opencode-version"
install -m 0755 "$repo/images/src/main/image/test-agent-entrypoint.sh" "$agent_root/entrypoint.sh"
install -m 0755 "$work/busybox-deb/bin/busybox" "$agent_root/bin/busybox"
for applet in $("$agent_root/bin/busybox" --list | LC_ALL=C sort); do
  [[ "$applet" == busybox || -e "$agent_root/bin/$applet" ]] || ln -s busybox "$agent_root/bin/$applet"
done
ln -s /bin/busybox "$agent_root/usr/bin/env"
printf 'root:x:0:0:root:/root:/bin/sh\nnonroot:x:65532:65532:nonroot:/tmp:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$agent_root/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\nnogroup:x:65534:\n' >"$agent_root/etc/group"
chmod 0644 "$agent_root/etc/passwd" "$agent_root/etc/group" "$agent_root/opencode-version"
chmod 1777 "$agent_root/tmp"
chmod 0755 "$agent_root/tools" "$agent_root/bin" "$agent_root/usr" "$agent_root/usr/bin" "$agent_root/usr/local" \
  "$agent_root/usr/local/bin" "$agent_root/etc" "$agent_root" "$pause_root"

labels=(--label "org.opencontainers.image.version=$version" --label "io.kubeopencode.test-image=true")
log "writing $out/kubeopencode-pause.tar"
bash "$oci_archive" --rootfs "$pause_root" --out "$out/kubeopencode-pause.tar" --ref "kubeopencode/pause:$version" \
  --entrypoint '["/pause"]' --user 65535:65535 "${labels[@]}" \
  --label "org.opencontainers.image.title=kubeopencode test sandbox (pause) image" >"$out/kubeopencode-pause.digest"
log "writing $out/kubeopencode-test-agent.tar (busybox-static $busybox_version)"
bash "$oci_archive" --rootfs "$agent_root" --out "$out/kubeopencode-test-agent.tar" \
  --ref "kubeopencode/test-agent:$version" --entrypoint '["/entrypoint.sh"]' --user 0:0 \
  --env PATH=/usr/local/bin:/usr/bin:/bin --env TOOLS_DIR=/tools --env OPENCODE_BIN=opencode --workdir / \
  "${labels[@]}" --label "org.opencontainers.image.title=kubeopencode scripted test agent" \
  --label "io.kubeopencode.busybox-static=$busybox_version" >"$out/kubeopencode-test-agent.digest"
log "done: pause $(cat "$out/kubeopencode-pause.digest"), test-agent $(cat "$out/kubeopencode-test-agent.digest")"
