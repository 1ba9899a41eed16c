# Sourced by hack/aot-cache.sh and hack/run.sh (from the project root, after .mvn/select-jdk.sh).

# aot_cache_path SERVICE JAR: where the AOT cache of this jar is kept, whether it exists or not. The key covers the
# jar's content, the names, sizes and times of the jar and its libs/ (the JVM ignores a cache whose class path files
# changed; listed by find, as .mvn/select-jdk.sh may leave globbing off), hack/service-jvm-flags and `java -version`:
# a rebuilt jar, other flags or another JDK get a new cache.
aot_cache_path() {
  local key
  key="$( { sha256sum < "$2"; (cd "$(dirname "$2")" && stat -c '%n %s %Y' "$(basename "$2")" \
    && { find libs -maxdepth 1 -type f -printf '%p %s %Ts\n' 2>/dev/null | LC_ALL=C sort; });
    cat hack/service-jvm-flags; "$JAVA_HOME/bin/java" -version 2>&1; } | sha256sum | cut -c1-16)"
  printf '%s/kubeopencode/aot/%s-%s.aot\n' "${XDG_CACHE_HOME:-$HOME/.cache}" "$1" "$key"
}
