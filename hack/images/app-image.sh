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
# not (thread timing changes the classes it loads). It is dumped with the base image's own JRE on a copy of the
# image's /app tree (same file names, sizes and Jib's modification time, 1970-01-01T00:00:01Z) under a relative class
# path, so the JVM in the image accepts it at /app whatever the build directory was.
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

rm -rf "$out/extra" "$out/cds" "$out/unsign"
mkdir -p "$out/extra/app" "$out/cds/app/classpath" "$out/cds/app/libs"
jar_name="$(basename "$jar")"
cp "$jar" "$out/cds/app/classpath/$jar_name"
relative_cp="app/classpath/$jar_name"
for entry in "${class_path[@]}"; do
  name="$(basename "$entry")"
  [[ -f "$libs/$name" ]] || { echo "app-image: MissingLib: $libs/$name (in $jar's Class-Path) is missing" >&2; exit 2; }
  dir=libs
  # grep without -q reads the whole listing: -q would end the pipe early, and unzip's SIGPIPE fail it (pipefail).
  if unzip -Z1 "$libs/$name" | grep '^META-INF/[^/]*\.\(SF\|RSA\|DSA\|EC\)$' >/dev/null; then
    # Another directory than Jib's /app/libs: the layer filter that drops the signed original would drop it too.
    dir=unsigned
    mkdir -p "$out/cds/app/$dir" "$out/extra/app/$dir" "$out/unsign"
    # Stripped elsewhere, then copied: the dump's tree holds only plain copies (a jar zip rewrote in place, through
    # its temporary file and a rename, once gave git-init another archive from identical bytes).
    cp "$libs/$name" "$out/unsign/$name"
    zip -q -d "$out/unsign/$name" 'META-INF/*.SF' 'META-INF/*.RSA' 'META-INF/*.DSA' 'META-INF/*.EC'
    cp "$out/unsign/$name" "$out/cds/app/$dir/$name"
    cp "$out/unsign/$name" "$out/extra/app/$dir/$name"
  else
    cp "$libs/$name" "$out/cds/app/$dir/$name"
  fi
  relative_cp+=":app/$dir/$name"
done
find "$out/cds" "$out/extra" -type f -exec touch -h -d @1 {} +

# One flag per line in the flags files; '#' starts a comment.
mapfile -t flags < <(cat "${flags_files[@]}" | sed -e 's/#.*//' -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' | grep -v '^$')
archive_flags=()
if [[ -n "$class_list" ]]; then
  [[ -f "$class_list" ]] || { echo "app-image: MissingClassList: $class_list" >&2; exit 2; }
  # The dump resolves the list's classes against the class path; classes no longer there are skipped (a stale list
  # costs start-up time, not correctness). Same GC as at run time: archived heap objects depend on it.
  gc_flags=(); for f in "${flags[@]}"; do [[ "$f" == -XX:+Use*GC ]] && gc_flags+=("$f"); done
  # What the archive's bytes depend on besides the class list and the jars, each pinned here:
  # - the environment: only the image's locale (the file-name encoding: LANG unset or C gave another archive);
  # - the heap size (another -Xmx, another archive): fixed, not sized from the machine's memory;
  # - when garbage collections run while the classes load: the young generation and the metaspace threshold hold
  #   the whole load, so the only collection is the dump's own (checked below); -Xint: no compiler threads;
  #   -XX:-UsePerfData: no sampler thread.
  # Even so, clean-clone builds under load have given an archive that differed from every later dump of the same
  # tree (in the order of its tables, not in its classes). So each archive is dumped twice, concurrently, and kept
  # only when two dumps agree (docs/images.md, "Reproducibility").
  dump() { # $1: the archive to write
    (cd "$out/cds" && env -i LANG=C.UTF-8 LC_ALL=C.UTF-8 "$java" -Xshare:dump -Xint -XX:-UsePerfData \
       -Xms1g -Xmx1g -Xmn896m -XX:MetaspaceSize=1g "${gc_flags[@]}" -Xlog:gc:file="$1.gc" \
       -XX:SharedClassListFile="$class_list" -XX:SharedArchiveFile="$1" -cp "$relative_cp" >"$1.log" 2>&1) \
      || { echo "app-image: CdsDumpFailed: see $1.log" >&2; tail -5 "$1.log" >&2; return 1; }
    if grep -v 'Using \|System.gc()' "$1.gc" | grep 'GC(' >&2; then
      echo "app-image: CdsDumpCollectedWhileLoading: a garbage collection ran while the class list loaded, which" \
        "makes the archive depend on timing; raise -Xmn and -Xmx of the dump in $0" >&2
      return 1
    fi
  }
  dumps="$out/cds-dumps"
  rm -rf "$dumps"; mkdir -p "$dumps"
  agreeing() { # the first of two dumps that are byte for byte the same, if any
    local a b
    for a in "$dumps"/*.jsa; do for b in "$dumps"/*.jsa; do
      [[ "$a" < "$b" ]] && cmp -s "$a" "$b" && { echo "$a"; return; }
    done; done
  }
  dump "$dumps/1.jsa" & first=$!
  dump "$dumps/2.jsa" || { wait "$first" || true; exit 1; }
  wait "$first" || exit 1
  n=2
  until agreed="$(agreeing)"; [[ -n "$agreed" ]] || ((n == 5)); do
    n=$((n + 1))
    echo "app-image: $jar_name: the CDS dumps so far differ (kept in $dumps/); dumping again ($n of 5)" >&2
    dump "$dumps/$n.jsa" || exit 1
  done
  [[ -n "$agreed" ]] || {
    echo "app-image: CdsDumpNotReproducible: no two of five dumps of $jar_name's CDS archive agree (in $dumps/)" >&2
    exit 1
  }
  cp "$agreed" "$out/extra/app/app.jsa"
  cp "$agreed.log" "$out/cds-dump.log"
  touch -h -d @1 "$out/extra/app/app.jsa"
  archive_flags=(-XX:SharedArchiveFile=/app/app.jsa)
fi

{
  printf '%s\n' "${flags[@]}" "${archive_flags[@]}"
  printf -- '-cp\n%s\n%s\n' "$(sed 's|app/|/app/|g' <<<"$relative_cp")" "$main_class"
} > "$out/extra/app/java.args"
touch -h -d @1 "$out/extra/app/java.args"
printf 'app-image: %s: %d jars, main %s, CDS archive %s\n' "$jar_name" "$((${#class_path[@]} + 1))" "$main_class" \
  "$( [[ -f "$out/extra/app/app.jsa" ]] && du -h "$out/extra/app/app.jsa" | cut -f1 || echo none)" >&2
