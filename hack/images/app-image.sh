#!/usr/bin/env bash
# Stages what an application image adds to what Jib takes from the Maven build, in <out>/extra/ (Jib's
# extraDirectories, copied to /): /app/java.args (the JVM's flags, class path and main class; the entrypoint is
# `/opt/java/bin/java @/app/java.args`), /app/app.jsa (a CDS archive of the classes the program loads, so the JVM
# maps them instead of loading them: start-up about twice as fast) and, in /app/unsigned/, copies of signed jars
# without their signatures (the JVM never shares classes of a signed jar; the POM's layer filter (image.signed-jars)
# drops the signed originals from /app/libs/).
#
# The CDS archive is dumped with -Xshare:dump from the module's committed class list (src/main/image/classes.lst,
# refreshed by hack/images/class-list.sh): a dump from a fixed list is byte-for-byte reproducible, a training run is
# not (thread timing changes the classes it loads). It is dumped by the base image's own JRE, chrooted into a copy of
# the image's files: /opt/java, and /app with the same file names, sizes and Jib's modification time
# (1970-01-01T00:00:01Z), so the JVM in the image accepts it and two builds give the same bytes (see "dump" below).
# Needs root or unprivileged user namespaces for that (unshare, chroot); without, it warns and dumps on the host.
#
# Usage: hack/images/app-image.sh --jar target/x.jar --libs target/libs --out target/image
#          --jvm-flags FILE [--jvm-flags FILE]... [--class-list FILE]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"

jar="" libs="" out="" class_list="" flags_files=()
while (($#)); do
  case "$1" in
    --jar) jar="$2"; shift 2 ;;
    --libs) libs="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --jvm-flags) flags_files+=("$2"); shift 2 ;;
    --class-list) class_list="$2"; shift 2 ;;
    *) echo "app-image: unknown argument '$1'" >&2; sed -n '14,15p' "$0" >&2; exit 2 ;;
  esac
done
[[ -f "$jar" ]] || { echo "app-image: MissingJar: '$jar' does not exist (run the package phase first)" >&2; exit 2; }
[[ -d "$libs" ]] || { echo "app-image: MissingLibs: '$libs' is not a directory" >&2; exit 2; }
[[ -n "$out" ]] || { echo "app-image: --out is required" >&2; exit 2; }
((${#flags_files[@]})) || { echo "app-image: at least one --jvm-flags file is required" >&2; exit 2; }

"$root/hack/images/base-image.sh" --link-into "$out" >/dev/null
java="$out/jre/bin/java"

# The jar's manifest names the main class and, in order, the class path (libs/x.jar ...); 72-byte lines folded.
manifest="$(unzip -p "$jar" META-INF/MANIFEST.MF | tr -d '\r' | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n //g')"
main_class="$(sed -n 's/^Main-Class: //p' <<<"$manifest")"
read -r -a class_path <<<"$(sed -n 's/^Class-Path: //p' <<<"$manifest")"
[[ -n "$main_class" ]] || { echo "app-image: NoMainClass: $jar has no Main-Class in its manifest" >&2; exit 2; }

# The CDS archive is dumped in a copy of the image's root file system (hard links to the cached base image where
# they can be made) with the application at /app, as in the image: see "dump" below for why.
rootfs="$(dirname "$(dirname "$(readlink -f "$out/jre")")")"
dump_root="$out/cds-root"
rm -rf "$out/extra" "$out/cds" "$dump_root" "$out/unsign"
cp -al "$rootfs" "$dump_root" 2>/dev/null || { rm -rf "$dump_root"; cp -a "$rootfs" "$dump_root"; }
app="$dump_root/app"
mkdir -p "$out/extra/app" "$app/classpath" "$app/libs"
jar_name="$(basename "$jar")"
cp "$jar" "$app/classpath/$jar_name"
image_cp="/app/classpath/$jar_name"
for entry in "${class_path[@]}"; do
  name="$(basename "$entry")"
  [[ -f "$libs/$name" ]] || { echo "app-image: MissingLib: $libs/$name (in $jar's Class-Path) is missing" >&2; exit 2; }
  dir=libs
  # grep without -q reads the whole listing: -q would end the pipe early, and unzip's SIGPIPE fail it (pipefail).
  if unzip -Z1 "$libs/$name" | grep '^META-INF/[^/]*\.\(SF\|RSA\|DSA\|EC\)$' >/dev/null; then
    # Another directory than Jib's /app/libs: the layer filter that drops the signed original would drop it too.
    dir=unsigned
    mkdir -p "$app/$dir" "$out/extra/app/$dir" "$out/unsign"
    cp "$libs/$name" "$out/unsign/$name"
    zip -q -d "$out/unsign/$name" 'META-INF/*.SF' 'META-INF/*.RSA' 'META-INF/*.DSA' 'META-INF/*.EC'
    cp "$out/unsign/$name" "$app/$dir/$name"
    cp "$out/unsign/$name" "$out/extra/app/$dir/$name"
  else
    cp "$libs/$name" "$app/$dir/$name"
  fi
  image_cp+=":/app/$dir/$name"
done
find "$app" "$out/extra" -type f -exec touch -h -d @1 {} +

# One flag per line in the flags files; '#' starts a comment.
mapfile -t flags < <(cat "${flags_files[@]}" | sed -e 's/#.*//' -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' | grep -v '^$')
archive_flags=()
if [[ -n "$class_list" ]]; then
  [[ -f "$class_list" ]] || { echo "app-image: MissingClassList: $class_list" >&2; exit 2; }
  # The dump resolves the list's classes against the class path; classes no longer there are skipped (a stale list
  # costs start-up time, not correctness). Same GC as at run time: archived heap objects depend on it.
  gc_flags=(); for f in "${flags[@]}"; do [[ "$f" == -XX:+Use*GC ]] && gc_flags+=("$f"); done
  # The archive's bytes depend on more than the class list and the jars, and each of these is pinned:
  # - the paths the JVM sees: the JDK's own code keeps paths (java.home, the class path, user.dir, user.home) in
  #   hash maps while the dump runs, and whether a bucket overflows decides, for instance, whether HashMap.putVal's
  #   call to treeifyBin is archived resolved: two build directories gave two archives, each time the same. So the
  #   dump runs in a private mount and PID namespace, chrooted into the image's own files, at the image's paths
  #   (/opt/java, /app/..., /tmp) and as the namespace's root, whatever the build directory and the cache were;
  # - the jars' inode numbers: the JDK keeps open jars in a HashMap keyed by (device, inode, mtime); inodes that
  #   ext4 happened to space 16 apart put eight jars in one bucket, HashMap.treeifyBin ran, and the archive had it
  #   resolved (21 bytes of git-init's archive; a larger layout shift in the services'). So the jars are copied, in
  #   class-path order, onto a fresh tmpfs (consecutive inode numbers: at most one jar per bucket, whatever the
  #   device number);
  # - the environment: only the image's locale (the file-name encoding; LANG unset or C gave another archive);
  # - identity hashes: archived objects keep theirs (the Class mirrors' headers were the 355 bytes by which two
  #   builds' cleanup archives differed). The default generator seeds each thread from a global random sequence
  #   that other threads advance as they run (every new Symbol takes a number), so the seed depended on timing;
  #   hashCode=3, a global counter, depends only on the order of the dump's own hash requests;
  # - the heap size (-Xmx 256m, 512m and 2g gave three archives): fixed, not sized from the machine's memory;
  # - -Xint and -XX:-UsePerfData: no compiler or sampler threads of the JVM's own during the dump.
  cp "$class_list" "$dump_root/tmp/classes.lst"
  # Runs as the namespace's root: $1 the root file system, $2 the staged /app, $3 chroot, $4 the class path, then
  # the JVM's flags.
  # shellcheck disable=SC2016
  dump_in_namespace='set -euo pipefail
    root=$1 stage=$2 chroot=$3 cp=$4; shift 4
    mount -t tmpfs -o mode=0755 kubeopencode-cds "$root/app"
    for dir in classpath libs unsigned; do if [[ -d "$stage/$dir" ]]; then mkdir -m 0755 "$root/app/$dir"; fi; done
    IFS=: read -r -a entries <<<"$cp"
    for entry in "${entries[@]}"; do cp "$stage/${entry#/app/}" "$root$entry"; done
    find "$root/app" -exec touch -h -d @1 {} +
    exec env -i LANG=C.UTF-8 LC_ALL=C.UTF-8 "$chroot" "$root" /opt/java/bin/java "$@" -cp "$cp"'
  isolate=(unshare --mount --pid --fork --mount-proc="$dump_root/proc")
  ((EUID == 0)) || isolate=(unshare --user --map-root-user --mount --pid --fork --mount-proc="$dump_root/proc")
  chroot="$(PATH="$PATH:/usr/sbin:/sbin" command -v chroot || true)"
  dump_flags=(-Xshare:dump -Xint -XX:-UsePerfData -Xms1g -Xmx1g -XX:+UnlockExperimentalVMOptions -XX:hashCode=3
    "${gc_flags[@]}")
  if [[ -n "$chroot" ]] && "${isolate[@]}" true 2>/dev/null; then
    # The staged /app moves aside; in the namespace a fresh tmpfs at /app gets the directories, then the jars in
    # class-path order, so their inode numbers are consecutive (see "the jars' inode numbers" above).
    rm -rf "$out/cds-app"
    mv "$app" "$out/cds-app"
    mkdir "$app"
    env -i LANG=C.UTF-8 LC_ALL=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin "${isolate[@]}" bash -c "$dump_in_namespace" \
      dump "$dump_root" "$out/cds-app" "$chroot" "$image_cp" "${dump_flags[@]}" \
      -XX:SharedClassListFile=/tmp/classes.lst -XX:SharedArchiveFile=/tmp/app.jsa >"$out/cds-dump.log" 2>&1 \
      || { echo "app-image: CdsDumpFailed: see $out/cds-dump.log" >&2; tail -5 "$out/cds-dump.log" >&2; exit 1; }
    rm -rf "$out/cds-app"
  else
    echo "app-image: CdsDumpNotIsolated: cannot chroot in a private namespace here (not root, and unprivileged user" \
      "namespaces are off): $jar_name's CDS archive is dumped on the host and depends on the build directory, so" \
      "this build is not reproducible" >&2
    (cd "$dump_root" && env -i LANG=C.UTF-8 LC_ALL=C.UTF-8 "$java" "${dump_flags[@]}" \
       -XX:SharedClassListFile=tmp/classes.lst -XX:SharedArchiveFile=tmp/app.jsa -cp "${image_cp//\/app\//app/}" \
       >"$out/cds-dump.log" 2>&1) \
      || { echo "app-image: CdsDumpFailed: see $out/cds-dump.log" >&2; tail -5 "$out/cds-dump.log" >&2; exit 1; }
  fi
  cp "$dump_root/tmp/app.jsa" "$out/extra/app/app.jsa"
  touch -h -d @1 "$out/extra/app/app.jsa"
  archive_flags=(-XX:SharedArchiveFile=/app/app.jsa)
fi
rm -rf "$dump_root"

{
  printf '%s\n' "${flags[@]}" "${archive_flags[@]}"
  printf -- '-cp\n%s\n%s\n' "$image_cp" "$main_class"
} > "$out/extra/app/java.args"
touch -h -d @1 "$out/extra/app/java.args"
printf 'app-image: %s: %d jars, main %s, CDS archive %s\n' "$jar_name" "$((${#class_path[@]} + 1))" "$main_class" \
  "$( [[ -f "$out/extra/app/app.jsa" ]] && du -h "$out/extra/app/app.jsa" | cut -f1 || echo none)" >&2
