#!/usr/bin/env bash
# Measures start-up time and peak memory (max RSS) of both roles, as docs/context-init.md reports them.
# Usage: context-init-image/measure.sh [runs]   (builds the module through the reactor first)
# Needs GNU time (/usr/bin/time) and python3 (a local HTTP server for the URL context).
set -euo pipefail

runs="${1:-7}"
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/target/kubeopencode-context-init.jar"
# The JDK the build uses (>= 21; select-jdk.sh runs in a subshell: it leaves globbing off).
java="${JAVA:-$(. "$(dirname "$here")/.mvn/select-jdk.sh" && echo "$JAVA_HOME/bin/java")}"
# The jar and target/libs/ from one reactor run: nothing of this project needs to be in ~/.m2.
(cd "$(dirname "$here")" && . .mvn/select-jdk.sh && . hack/lib/bench-build.sh && bench_mvn context-init-image package -DskipTests)

work="$(mktemp -d)"
server_pid=""
collector_pid=""
cleanup() {
  # A collector idles until SIGTERM: never leave one behind.
  [ -n "$collector_pid" ] && kill -TERM "$collector_pid" 2>/dev/null
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A ConfigMap volume laid out like the kubelet's atomic writer, and a small document to download.
cm="$work/context"; ts="$cm/..2025_01_01_00_00_00.000"
mkdir -p "$ts/dirs/2" "$work/www"
printf 'Fix the flaky test.\n' > "$ts/task.md"
printf '<context name="a" type="Text">\nhi\n</context>\n' > "$ts/context.md"
printf '{"debug":true}' > "$ts/file-1"
printf '# Guide\n' > "$ts/dirs/2/guide.md"; printf 'notes' > "$ts/dirs/2/notes.txt"
ln -s "$(basename "$ts")" "$cm/..data"
for name in task.md context.md file-1 dirs; do ln -s "..data/$name" "$cm/$name"; done
head -c 200000 /dev/urandom | base64 > "$work/www/spec.txt"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/www" >/dev/null 2>&1 &
server_pid=$!
sleep 1

context_env() {
  local ws="$1"
  echo WORKSPACE_DIR="$ws" CONFIGMAP_PATH="$cm" TERMINATION_LOG_PATH="$work/term"
  echo "FILE_MAPPINGS=[{\"key\":\"task.md\",\"targetPath\":\"$ws/task.md\",\"fileMode\":420},{\"key\":\"context.md\",\"targetPath\":\"$ws/.kubeopencode/context.md\",\"fileMode\":420},{\"key\":\"file-1\",\"targetPath\":\"$ws/config/settings.json\",\"fileMode\":384}]"
  echo "DIR_MAPPINGS=[{\"sourcePath\":\"$cm/dirs/2\",\"targetPath\":\"$ws/docs\"}]"
}

# Prints "seconds max-rss-KiB cpu-seconds" of one context-init run.
run_context_init() {
  local flags="$1" with_url="$2" ws
  ws="$(mktemp -d "$work/ws.XXXX")"
  local -a env_args
  mapfile -t env_args < <(context_env "$ws" | tr ' ' '\n')
  if [ "$with_url" = yes ]; then
    env_args+=("URL_CONTEXTS=[{\"source\":\"http://127.0.0.1:$port/spec.txt\",\"targetPath\":\"$ws/specs/spec.txt\"}]")
  fi
  # shellcheck disable=SC2086
  env -i "${env_args[@]}" /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$java" $flags -jar "$jar" context-init >/dev/null
  awk '{printf "%s %s %.2f\n", $1, $2, $3 + $4}' "$work/time"
}

# Prints "ready-seconds idle-rss-KiB sigterm-to-exit-seconds max-rss-KiB" of one collector run.
run_collector() {
  local flags="$1" ws out start ready pid tpid idle sent done_at
  ws="$(mktemp -d "$work/ws.XXXX")"; out="$ws.out"; : > "$out"
  printf 'https://github.com/o/r/pull/7\n' > "$ws/pr-url"
  printf 'INFO ok\n%.0s' $(seq 1 500) > "$ws/log"
  start=$(date +%s.%N)
  # shellcheck disable=SC2086
  env -i WORKSPACE_DIR="$ws" TERMINATION_LOG_PATH="$work/term" \
    OUTPUT_SPEC='{"parameters":[{"name":"pr-url","path":"pr-url","default":null},{"name":"log","path":"log","default":null},{"name":"missing","path":"nope","default":"n/a"}]}' \
    /usr/bin/time -f '%M' -o "$work/time" "$java" $flags -jar "$jar" output-collector >"$out" 2>&1 &
  tpid=$!
  until grep -q 'waiting for SIGTERM' "$out" 2>/dev/null; do sleep 0.005; done
  ready=$(date +%s.%N)
  pid=""
  until [ -n "$pid" ]; do pid=$(pgrep -P "$tpid" java || true); done
  collector_pid="$pid"
  sleep 0.5
  idle=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  sent=$(date +%s.%N)
  kill -TERM "$pid"
  wait "$tpid"
  done_at=$(date +%s.%N)
  collector_pid=""
  printf '%.2f %s %.3f %s\n' "$(echo "$ready - $start" | bc)" "$idle" "$(echo "$done_at - $sent" | bc)" "$(cat "$work/time")"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
column_median() { awk -v c="$1" '{print $c}' "$2" | median; }

measure() {
  local label="$1" flags="$2"
  : > "$work/ci"; : > "$work/ciu"; : > "$work/oc"
  run_context_init "$flags" no >/dev/null   # warm the page cache
  for _ in $(seq "$runs"); do
    run_context_init "$flags" no >> "$work/ci"
    run_context_init "$flags" yes >> "$work/ciu"
    run_collector "$flags" >> "$work/oc"
  done
  printf '| %s | %s s (CPU %s s), %s MiB | %s s (CPU %s s), %s MiB | ready %s s, idle %s MiB; SIGTERM→exit %s s, peak %s MiB |\n' "$label" \
    "$(column_median 1 "$work/ci")" "$(column_median 3 "$work/ci")" "$(( $(column_median 2 "$work/ci") / 1024 ))" \
    "$(column_median 1 "$work/ciu")" "$(column_median 3 "$work/ciu")" "$(( $(column_median 2 "$work/ciu") / 1024 ))" \
    "$(column_median 1 "$work/oc")" "$(( $(column_median 2 "$work/oc") / 1024 ))" \
    "$(column_median 3 "$work/oc")" "$(( $(column_median 4 "$work/oc") / 1024 ))"
}

image_flags="$(sed -e 's/#.*//' "$(dirname "$0")/src/main/image/jvm-flags" | tr '\n' ' ')"
echo "java: $("$java" -version 2>&1 | head -n 1); $runs runs each, medians; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| JVM options | context-init (3 files, 1 dir) | context-init + 270 KB URL | output-collector (3 outputs) |"
echo "|---|---|---|---|"
measure "none" ""
measure "image flags" "$image_flags"
if "$java" -XX:AOTCacheOutput=/dev/null -version >/dev/null 2>&1; then
  # For comparison, a JDK 25 AOT cache trained on a context-init run with a URL (the image maps a CDS archive dumped
  # from a committed class list instead, as a training run is not repeatable: docs/images.md).
  ws="$(mktemp -d "$work/ws.XXXX")"
  mapfile -t train_env < <(context_env "$ws" | tr ' ' '\n')
  train_env+=("URL_CONTEXTS=[{\"source\":\"http://127.0.0.1:$port/spec.txt\",\"targetPath\":\"$ws/spec.txt\"}]")
  # shellcheck disable=SC2086
  env -i "${train_env[@]}" "$java" $image_flags -XX:AOTCacheOutput="$work/app.aot" -jar "$jar" context-init \
    >/dev/null 2>&1
  measure "image flags + AOT cache" "$image_flags -XX:AOTCache=$work/app.aot"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
