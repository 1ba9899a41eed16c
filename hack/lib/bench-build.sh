# Sourced by the benchmark scripts (from the project root, after .mvn/select-jdk.sh): builds what a benchmark needs
# through the reactor, so a clean clone works with nothing of this project in ~/.m2, and never hides Maven's errors.

# bench_mvn MODULE GOAL_OR_FLAG...
#   ./mvnw -pl MODULE -am GOAL...: MODULE and the project's modules it depends on, in one reactor. Maven's output goes
#   to a log file; when Maven fails, the end of that log is printed and the script exits.
bench_mvn() {
  local module="$1"; shift
  local log
  log="$(mktemp -t bench-build.XXXXXX)"
  printf '[bench] building %s and what it needs: ./mvnw -pl %s -am %s (log: %s)\n' "$module" "$module" "$*" "$log" >&2
  if ! ./mvnw -B -ntp -pl "$module" -am "$@" >"$log" 2>&1; then
    printf '[bench] ERROR: the build failed; the end of its log (%s):\n' "$log" >&2
    tail -n 60 "$log" >&2
    exit 1
  fi
  rm -f "$log"
}

# bench_build MODULE [GOAL_OR_FLAG...]
#   bench_mvn with GOAL... (default: test-compile) plus dependency:build-classpath. Sets bench_classpath: MODULE's
#   test and main classes and its test-scope dependencies, the project's own modules as their target/classes.
bench_build() {
  local module="$1"; shift
  [[ $# -gt 0 ]] || set -- test-compile
  # mdep.outputFile is relative, so each module writes its own file (Maven resolves it against the module's dir).
  bench_mvn "$module" "$@" dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench.classpath
  bench_classpath="$module/target/test-classes:$module/target/classes:$(cat "$module/target/bench.classpath")"
}

# bench_kube_binaries: provisions the control-plane binaries (seconds when cached; it says what it does on stderr).
bench_kube_binaries() {
  bash hack/kube-binaries.sh >&2
}
