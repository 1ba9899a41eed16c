#!/usr/bin/env bash
# Compares git-init (JGit) with the git command line cloning the same generated medium repository, served by
# `git daemon` on 127.0.0.1 (the same C upload-pack answers both), at depth 1 and with full history. Prints median wall
# time and peak RSS (GNU time %M: the largest single process; git's index-pack included) and the ratios.
#
# Usage: git-init-image/bench/bench.sh [runs]   (builds the module through the reactor first)
# Env:   FILES, COMMITS (repository size), JAVA (java binary), JAVA_OPTS (JVM flags to measure), BENCH_DIR (work dir).
# git-init runs as in the image: signatures stripped from the jars, an AppCDS archive from a training clone.
set -euo pipefail

RUNS="${1:-5}"
FILES="${FILES:-4000}"
COMMITS="${COMMITS:-300}"
HERE="$(cd "$(dirname "$0")" && pwd)"
MODULE="$(dirname "$HERE")"
# tmpfs by default: on a shared disk, file-creation latency of other jobs swamps both tools' numbers.
if [ -d /dev/shm ]; then BENCH_DIR="${BENCH_DIR:-/dev/shm/git-init-bench}"; else BENCH_DIR="${BENCH_DIR:-/tmp/git-init-bench}"; fi
# The JDK the build uses (>= 21; select-jdk.sh runs in a subshell: it leaves globbing off).
JAVA="${JAVA:-$(. "$(dirname "$MODULE")/.mvn/select-jdk.sh" && echo "$JAVA_HOME/bin/java")}"
JAVA_OPTS="${JAVA_OPTS:-$(sed -e 's/#.*//' "$MODULE/src/main/image/jvm-flags" | tr '\n' ' ')}"
TIME=/usr/bin/time
PYTHON="$(command -v /usr/bin/python3 || command -v python3)"
[ -x "$TIME" ] || { echo "bench: needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 1; }
# The jar and target/libs/ from one reactor run: nothing of this project needs to be in ~/.m2.
(cd "$(dirname "$MODULE")" && . .mvn/select-jdk.sh && . hack/lib/bench-build.sh && bench_mvn git-init-image package -DskipTests)

mkdir -p "$BENCH_DIR"
REPOS="$BENCH_DIR/repos"
REPO="$REPOS/medium-$FILES-$COMMITS.git"
if [ ! -d "$REPO" ]; then
  echo "bench: generating $FILES files, $COMMITS commits"
  mkdir -p "$REPOS"
  git init -q --bare "$REPO"
  "$PYTHON" "$HERE/gen-repo.py" "$FILES" "$COMMITS" | git -C "$REPO" fast-import --quiet
  git -C "$REPO" symbolic-ref HEAD refs/heads/main
  git -C "$REPO" -c pack.threads=2 repack -a -d -q
fi
echo "bench: repository $(git -C "$REPO" rev-list --count main) commits, $(git -C "$REPO" ls-tree -r main | wc -l) files," \
  "pack $(du -sh "$REPO/objects/pack" | cut -f1)"

# The runtime as the image has it: unsigned jars (signed jars cannot be class-data shared and verify slowly) + AppCDS.
RT="$BENCH_DIR/runtime"
rm -rf "$RT" && mkdir -p "$RT/libs"
cp "$MODULE/target/kubeopencode-git-init.jar" "$RT/"
cp "$MODULE/target/libs/"*.jar "$RT/libs/"
for jar in "$RT"/libs/*.jar; do zip -q -d "$jar" 'META-INF/*.SF' 'META-INF/*.RSA' 'META-INF/*.DSA' 'META-INF/*.EC' >/dev/null 2>&1 || true; done

PORT=$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
git daemon --export-all --base-path="$REPOS" --listen=127.0.0.1 --port="$PORT" --reuseaddr "$REPOS" \
  2>"$BENCH_DIR/daemon.log" &
DAEMON=$!
trap 'kill $DAEMON 2>/dev/null || true' EXIT
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && break; sleep 0.1; done
URL="git://127.0.0.1:$PORT/$(basename "$REPO")"

# A script (not a function) so that GNU time can run it; exec leaves the JVM as the measured process.
cat > "$RT/git-init.sh" <<SCRIPT
#!/usr/bin/env bash
# usage: git-init.sh depth dest [java flags...]
depth=\$1 dest=\$2; shift 2
exec env -i PATH="$PATH" HOME="$BENCH_DIR" GIT_REPO="$URL" GIT_REF=main GIT_DEPTH="\$depth" GIT_ROOT="\$dest" \\
  GIT_LINK=repo GIT_TERMINATION_LOG="$BENCH_DIR/termination-log" "$JAVA" $JAVA_OPTS "\$@" \\
  -jar "$RT/kubeopencode-git-init.jar" git-init
SCRIPT
chmod +x "$RT/git-init.sh"
git_init() { "$RT/git-init.sh" "$@"; }

# Like the image: a JDK 25 AOT cache from a training clone (JDK 21-24: a dynamic AppCDS archive instead).
rm -rf "$BENCH_DIR/train"
if git_init 1 "$BENCH_DIR/train" -XX:AOTCacheOutput="$RT/app.aot" >/dev/null 2>&1 && [ -f "$RT/app.aot" ]; then
  CDS="-XX:AOTCache=$RT/app.aot"
else
  rm -rf "$BENCH_DIR/train"
  git_init 1 "$BENCH_DIR/train" -XX:ArchiveClassesAtExit="$RT/app.jsa" >/dev/null 2>&1
  CDS="-XX:SharedArchiveFile=$RT/app.jsa"
fi
echo "bench: class cache $CDS"

measure() { # label command... ; prints "seconds kb" of each run to $BENCH_DIR/<label>.txt
  local label=$1; shift
  : > "$BENCH_DIR/$label.txt"
  for _ in $(seq "$RUNS"); do
    rm -rf "$BENCH_DIR/dest"
    "$TIME" -f "%e %M %U %S" -o "$BENCH_DIR/one.txt" "$@" >/dev/null 2>"$BENCH_DIR/err.txt" || { cat "$BENCH_DIR/err.txt"; exit 1; }
    cat "$BENCH_DIR/one.txt" >> "$BENCH_DIR/$label.txt"
  done
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
col() { awk -v c="$2" '{print $c}' "$BENCH_DIR/$1.txt" | median; }

cpu() { awk '{print $3+$4}' "$BENCH_DIR/$1.txt" | median; }
printf '\n%-8s %7s %7s %7s %9s %9s %7s %7s %7s\n' scenario git_s init_s time_x git_cpu_s init_cpu_s git_MB init_MB rss_x
for depth in 1 0; do
  if [ "$depth" = 1 ]; then gitargs=(--depth 1); name=depth1; else gitargs=(); name=full; fi
  measure "git-$name" git clone -q "${gitargs[@]}" --branch main "$URL" "$BENCH_DIR/dest/repo"
  measure "init-$name" "$RT/git-init.sh" "$depth" "$BENCH_DIR/dest" "$CDS"
  gt=$(col "git-$name" 1); it=$(col "init-$name" 1); gm=$(col "git-$name" 2); im=$(col "init-$name" 2)
  gc=$(cpu "git-$name"); ic=$(cpu "init-$name")
  printf '%-8s %7.2f %7.2f %7.2f %9.2f %9.2f %7.1f %7.1f %7.2f\n' "$name" "$gt" "$it" "$(echo "$it/$gt" | bc -l)" \
    "$gc" "$ic" "$(echo "$gm/1024" | bc -l)" "$(echo "$im/1024" | bc -l)" "$(echo "$im/$gm" | bc -l)"
done
echo "(median of $RUNS runs in $BENCH_DIR; *_s wall, *_cpu_s user+sys, *_MB peak RSS of the largest process;"
echo " JAVA_OPTS=$JAVA_OPTS $CDS; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
