#!/usr/bin/env bash
# Builds KubeOpenCode's own base image, offline and reproducibly, and prints the path of its image tar: a jlink JRE
# (/opt/java, modules from hack/images/jre-modules) on a minimal Debian userland unpacked from the packages of
# hack/images/debian-packages (glibc, CA certificates, tzdata, netbase, base-files; no shell, no package manager).
# User 65532:65532 (nonroot), JAVA_HOME=/opt/java. Needs no registry: the app images build on this tar.
#
# The result is cached by its inputs (the JDK, the two lists, the apt candidate versions, these scripts) in
#   ${KUBEOPENCODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeopencode}/images/base-<key>/
#     base.tar          the image (OCI layout + docker-archive, see oci-archive.sh); ref kubeopencode/base:<key>
#     rootfs/           its root filesystem, the same files and mtimes (0) as the layer; treat it as read-only
#                       (rootfs/opt/java/bin/java -Xshare:dump makes a CDS archive the image's JVM accepts)
#     manifest-digest   the image's manifest digest
# so a second run only computes the key. Building twice in two empty caches gives the same base.tar bytes.
#
# Usage: hack/images/base-image.sh [--link-into DIR] [--prune]
#   --link-into DIR  also hard-links (or copies, across file systems) base.tar to DIR/base.tar and points the
#                    symlink DIR/jre at the cached rootfs/opt/java
#   --prune          removes the cache's other base-* directories and the .debs no longer used
# Needs a JDK >= 21 with jlink (found by .mvn/select-jdk.sh), apt-get, dpkg-deb, readelf, jq, GNU tar, gzip, flock.
# Runs as any user while apt's package lists are current; as root it also runs `apt-get update` when a package has
# no candidate, and smoke-tests the JRE in a chroot.
set -euo pipefail
export LC_ALL=C TZ=UTC
umask 022

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
log() { printf '[base-image] %s\n' "$*" >&2; }
die() { printf '[base-image] ERROR: %s\n' "$*" >&2; exit 1; }

link_into="" prune=false
while (($#)); do
  case "$1" in
    --link-into) (($# >= 2)) || die "--link-into needs a directory"; link_into="$2"; shift ;;
    --prune) prune=true ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
  shift
done

[[ "$(uname -m)" == x86_64 ]] || die "the image is linux/amd64 and is built from this machine's JDK; found $(uname -m)"
for tool in apt-get apt-cache dpkg-deb readelf jq flock sha256sum gzip; do
  command -v "$tool" >/dev/null || die "'$tool' is not installed"
done

. "$root/.mvn/select-jdk.sh"
set +f # select-jdk.sh may leave globbing off
jdk="$JAVA_HOME"
[[ -x "$jdk/bin/jlink" ]] || die "the JDK at $jdk has no jlink (a JRE?); set JAVA_HOME to a full JDK >= 21"

# A list file without comments and blank lines; fields separated by one space.
list() { sed 's/#.*//; s/[[:space:]]\{1,\}/ /g; s/^ //; s/ $//' "$1" | grep -v '^$' || true; }
modules="$(list "$here/jre-modules" | paste -sd, -)"
mapfile -t pkg_lines < <(list "$here/debian-packages")
pkgs=("${pkg_lines[@]%% *}")
[[ -n "$modules" && ${#pkgs[@]} -gt 0 ]] || die "hack/images/jre-modules or hack/images/debian-packages is empty"

cache="${KUBEOPENCODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeopencode}/images"
mkdir -p "$cache/debs"

# "pkg=version" of apt's candidate for every package; a package without one gives no line.
candidates() {
  apt-cache policy "${pkgs[@]}" 2>/dev/null \
    | awk '/^[^ ]/ { p = $1; sub(/:$/, "", p) } /^ +Candidate:/ && $2 != "(none)" { print p "=" $2 }'
}
# apt-cache reads every package list (0.4 s where apt keeps no binary cache, as in Docker-made systems): its answer
# is remembered for as long as the lists, apt's sources and pins and the installed packages stay the same.
apt_state() {
  { printf '%s\n' "${pkgs[@]}"
    find /var/lib/apt/lists /etc/apt /var/lib/dpkg/status -maxdepth 2 -printf '%p %s %T@\n' 2>/dev/null | sort
  } | sha256sum | cut -c1-16
}
memo="$cache/apt-candidates"
if [[ -f "$memo" && "$(head -n 1 "$memo")" == "$(apt_state)" ]]; then
  mapfile -t resolved < <(tail -n +2 "$memo")
else
  mapfile -t resolved < <(candidates)
  # The packages without a candidate. (apt-cache prints them in the order asked: resolved[i] is pkgs[i]'s.)
  unknown() { local have=" ${resolved[*]%%=*} " p; for p in "${pkgs[@]}"; do [[ "$have" == *" $p "* ]] || echo "$p"; done; }
  if [[ -n "$(unknown)" ]]; then
    [[ "$(id -u)" == 0 ]] || die "apt knows no version of: $(unknown | paste -sd' '); run 'apt-get update' as root" \
      "(this script runs it only as root)"
    log "apt knows no version of: $(unknown | paste -sd' '); apt-get update"
    apt-get update -qq >&2 || die "apt-get update failed"
    mapfile -t resolved < <(candidates)
    [[ -z "$(unknown)" ]] || die "no Debian package $(unknown | paste -sd' ') (hack/images/debian-packages)"
  fi
  { apt_state; printf '%s\n' "${resolved[@]}"; } >"$memo.$$" && mv -f "$memo.$$" "$memo"
fi

key="$({
  cat "$jdk/release"
  "$jdk/bin/java" -version 2>&1
  printf '%s\n' "${resolved[@]}"
  cat "$here/jre-modules" "$here/debian-packages" "$here/base-image.sh" "$here/oci-archive.sh"
} | sha256sum | cut -c1-16)"
dir="$cache/base-$key"
# The .debs are cached by file name: apt-get download names them package_version_arch.deb, a ':' in the version
# (an epoch) written as %3a.
deb_name() { local v="${1#*=}"; printf '%s_%s_*.deb' "${1%%=*}" "${v//:/%3a}"; }
deb_of() { compgen -G "$cache/debs/$(deb_name "$1")" | head -n 1; }

link() {
  [[ -n "$link_into" ]] || return 0
  mkdir -p "$link_into"
  [[ -d "$link_into/jre" && ! -L "$link_into/jre" ]] && die "$link_into/jre is a directory, not a symlink: remove it"
  ln -f "$dir/base.tar" "$link_into/base.tar" 2>/dev/null || {
    cp "$dir/base.tar" "$link_into/.base.tar.$$" && mv -f "$link_into/.base.tar.$$" "$link_into/base.tar"
  }
  ln -sfn "$dir/rootfs/opt/java" "$link_into/jre"
}
prune() {
  $prune || return 0
  find "$cache" -mindepth 1 -maxdepth 1 -name 'base-*' ! -name "base-$key" -exec rm -rf {} +
  local keep=() r
  for r in "${resolved[@]}"; do keep+=(! -name "$(deb_name "$r")"); done
  find "$cache/debs" -maxdepth 1 -name '*.deb' "${keep[@]}" -delete
}

# A finished image directory appears at once (rename), so finding one needs no lock.
if [[ -f "$dir/base.tar" ]] && ! $prune; then
  link
  printf '%s\n' "$dir/base.tar"
  exit 0
fi
# One build at a time per cache; a second one waits and then finds the first one's result.
exec 9>"$cache/.lock"
flock 9
if [[ -f "$dir/base.tar" ]]; then
  link
  prune
  printf '%s\n' "$dir/base.tar"
  exit 0
fi

start=$SECONDS
rm -rf "$cache"/.tmp-base.* # left by a build that was killed (we hold the lock: no other build runs)
tmp="$(mktemp -d "$cache/.tmp-base.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
rootfs="$tmp/rootfs"
mkdir -p "$rootfs/opt" "$rootfs/var/lib/dpkg/status.d"

missing=()
for r in "${resolved[@]}"; do [[ -n "$(deb_of "$r")" ]] || missing+=("$r"); done
if ((${#missing[@]})); then
  log "downloading ${missing[*]}"
  mkdir "$tmp/debs"
  # As root, apt would hand the download to its _apt user, which cannot write into a private cache.
  (cd "$tmp/debs" && apt-get download -q -o APT::Sandbox::User="$(id -un)" "${missing[@]}" >&2) \
    || die "apt-get download ${missing[*]} failed"
  mv "$tmp/debs"/*.deb "$cache/debs/"
fi

# The userland. No maintainer scripts run; the status.d entries let image scanners see the packages (as in
# distroless images).
for i in "${!pkg_lines[@]}"; do
  deb="$(deb_of "${resolved[$i]}")"
  read -r -a paths <<<"${pkg_lines[$i]}"
  paths=("${paths[@]:1}")
  if ((${#paths[@]})); then
    dpkg-deb --fsys-tarfile "$deb" | tar -C "$rootfs" -x "${paths[@]/#/./}" \
      || die "${pkgs[$i]}: some of ${paths[*]} are not in $deb"
  else
    dpkg-deb -x "$deb" "$rootfs"
  fi
  dpkg-deb -f "$deb" >"$rootfs/var/lib/dpkg/status.d/${pkgs[$i]}"
done
# No documentation (but each package's copyright), manuals, translations, lintian overrides; no gconv modules
# (8 MB of iconv charsets: the JVM converts charsets itself).
find "$rootfs/usr/share/doc" ! -type d ! -name copyright -delete
find "$rootfs/usr/share/doc" -depth -type d -empty -delete
rm -rf "$rootfs"/usr/share/{man,info,lintian,locale,bug} "$rootfs/usr/lib/x86_64-linux-gnu/gconv"

# What the maintainer scripts would have done: ca-certificates' postinst concatenates the certificates it ships
# (update-ca-certificates, sorted, each ending in a newline); tzdata's sets the time zone, here UTC.
find "$rootfs/usr/share/ca-certificates" -name '*.crt' | sort | while read -r crt; do
  cat "$crt"
  [[ -z "$(tail -c 1 "$crt")" ]] || echo
done >"$rootfs/etc/ssl/certs/ca-certificates.crt"
[[ -s "$rootfs/etc/ssl/certs/ca-certificates.crt" ]] || die "ca-certificates shipped no certificates"
ln -s /usr/share/zoneinfo/Etc/UTC "$rootfs/etc/localtime"
echo Etc/UTC >"$rootfs/etc/timezone"
# Users: root and nonroot (65532, as distroless), no passwords, no login shell (there is no shell).
printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' 'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' \
  >"$rootfs/etc/passwd"
printf '%s\n' 'root:x:0:' 'nonroot:x:65532:' >"$rootfs/etc/group"
printf '%s\n' 'passwd: files' 'group: files' 'shadow: files' 'hosts: files dns' 'networks: files' \
  'protocols: files' 'services: files' 'ethers: files' 'rpc: files' >"$rootfs/etc/nsswitch.conf"
mkdir -p "$rootfs/home/nonroot"
chmod 0700 "$rootfs/home/nonroot" "$rootfs/root"
chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
# The layer gives it to 65532 in any case (oci-archive.sh --chown); this makes rootfs/ say the same where we can.
[[ "$(id -u)" == 0 ]] && chown 65532:65532 "$rootfs/home/nonroot"

# The JRE. No --compress: the layer is gzipped anyway, and an uncompressed modules file makes the image smaller
# (33.0 MB gzipped against 40.9 MB with zip-6) and class loading faster (13,600 classes without CDS: 0.9 s against
# 1.2 s), at 100 MB instead of 67 MB on disk. No --generate-cds-archive: each app image dumps its own archive.
# java.desktop is here for java.beans (Jackson); its AWT, imaging, font and sound libraries load only for graphics
# or sound, which no program of ours does: left out, 2.3 MB less compressed (the services must fit in 75 MB).
log "jlink: $modules"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --exclude-files=/java.desktop/lib/libawt.so,/java.desktop/lib/libawt_xawt.so,/java.desktop/lib/libawt_headless.so,/java.desktop/lib/libjawt.so,/java.desktop/lib/libfontmanager.so,/java.desktop/lib/libfreetype.so,/java.desktop/lib/liblcms.so,/java.desktop/lib/libmlib_image.so,/java.desktop/lib/libjavajpeg.so,/java.desktop/lib/libsplashscreen.so,/java.desktop/lib/libjsound.so \
  --output "$rootfs/opt/java" >&2
# Every library the JVM loads must be in the image. Skipped: the AWT/X11 and sound libraries, which java.desktop
# brings but which load only with a display or a sound device (java.awt.headless is the default without a display).
for f in "$rootfs"/opt/java/bin/* "$rootfs"/opt/java/lib/*.so "$rootfs"/opt/java/lib/server/*.so; do
  for lib in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
    [[ -e "$rootfs/lib/x86_64-linux-gnu/$lib" || -e "$rootfs/usr/lib/x86_64-linux-gnu/$lib" \
      || -e "$rootfs/opt/java/lib/$lib" || -e "$rootfs/opt/java/lib/server/$lib" ]] \
      || die "$lib, needed by ${f#"$rootfs"}, is not in the image: add its package to hack/images/debian-packages"
  done
done
# Smoke test: the JRE starts in the image's root filesystem. It needs /proc, as in a container (the launcher finds
# libjli.so through $ORIGIN, i.e. /proc/self/exe): mounted in a private mount namespace that ends with the command.
# -XX:-UsePerfData: no /tmp/hsperfdata_root/ left behind.
if [[ "$(id -u)" == 0 ]] && unshare --mount --pid --fork true 2>/dev/null; then
  unshare --mount --pid --fork --mount-proc="$rootfs/proc" \
    chroot "$rootfs" /opt/java/bin/java -XX:-UsePerfData -version >&2 \
    || die "the JRE does not start in the image's root filesystem (chroot $rootfs /opt/java/bin/java -version)"
else
  log "not root (or no namespaces): skipping the smoke test in a chroot"
fi
# mtimes 0, as in the layer: the JVM checks the JRE's files against a CDS archive dumped from rootfs/.
find "$rootfs" -exec touch -h -d @0 {} +

jdk_version="$(sed -n 's/^IMPLEMENTOR="\(.*\)"$/\1/p; s/^JAVA_RUNTIME_VERSION="\(.*\)"$/\1/p' "$jdk/release" | paste -sd' ')"
description="KubeOpenCode's base image: a jlink JRE in /opt/java on a minimal Debian userland"
description+=" (glibc, CA certificates, tzdata; no shell)"
log "image kubeopencode/base:$key"
"$here/oci-archive.sh" --rootfs "$rootfs" --out "$tmp/base.tar" --ref "kubeopencode/base:$key" \
  --user 65532:65532 --workdir / --chown home/nonroot=65532:65532 \
  --env PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env JAVA_HOME=/opt/java --env LANG=C.UTF-8 \
  --label org.opencontainers.image.title=kubeopencode-base \
  --label "org.opencontainers.image.description=$description" \
  --label org.opencontainers.image.source=hack/images/base-image.sh \
  --label "io.kubeopencode.base.jdk=$jdk_version" \
  --label "io.kubeopencode.base.debian-packages=${resolved[*]}" \
  >"$tmp/manifest-digest"
chmod 755 "$tmp" # mktemp made it 0700
mv -T "$tmp" "$dir"
trap - EXIT
log "built in $((SECONDS - start)) s: $dir/base.tar ($(du -h "$dir/base.tar" | cut -f1))"
link
prune
printf '%s\n' "$dir/base.tar"
