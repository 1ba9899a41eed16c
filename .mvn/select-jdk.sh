# Sourced by ./mvnw before it starts Maven. Maven itself must run on a JDK >= 21 (the CRD generator loads our
# release-21 classes in Maven's JVM), while a machine's default java may be older. Keeps a suitable JAVA_HOME,
# otherwise picks the newest JDK >= 21 from the java on PATH or /usr/lib/jvm, and exports it.
kubeopencode_jdk_major() {
  # The JDK's "release" file says JAVA_VERSION="25.0.1" (or "1.8.0_x" for old ones); no JVM start needed.
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] && [ -f "$1/release" ] || { echo 0; return; }
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" | head -n 1
}
kubeopencode_select_jdk() {
  min=21
  if [ -n "${JAVA_HOME-}" ] && [ "$(kubeopencode_jdk_major "$JAVA_HOME")" -ge "$min" ] 2>/dev/null; then return 0; fi
  best="" best_major=0
  on_path="$(command -v java 2>/dev/null || true)"
  [ -n "$on_path" ] && on_path="$(dirname "$(dirname "$(readlink -f "$on_path")")")"
  # Globbing on for the search, then as the caller had it (mvnw runs with set -f; hack/run.sh globs).
  case $- in *f*) glob_off=true ;; *) glob_off=false ;; esac
  set +f
  for candidate in "$on_path" /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/*; do
    [ -n "$candidate" ] && [ -d "$candidate" ] || continue
    major="$(kubeopencode_jdk_major "$candidate")"
    [ -n "$major" ] && [ "$major" -ge "$min" ] && [ "$major" -gt "$best_major" ] && best="$candidate" best_major="$major"
  done
  [ "$glob_off" = true ] && set -f
  if [ -z "$best" ]; then
    echo "mvnw: this build needs a JDK >= $min; none found (JAVA_HOME='${JAVA_HOME-}', java on PATH, /usr/lib/jvm). Install one, e.g. 'apt-get install openjdk-21-jdk-headless' or a Temurin JDK." >&2
    exit 1
  fi
  [ "${MVNW_VERBOSE-}" = true ] && echo "mvnw: using JDK $best_major at $best" >&2
  JAVA_HOME="$best"
  export JAVA_HOME
}
kubeopencode_select_jdk
