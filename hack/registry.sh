#!/usr/bin/env bash
# Provisions a real OCI registry for tests that push images (test-support's io.kubeopencode.testsupport.LocalRegistry):
# CNCF distribution's `registry` (the registry behind Docker Hub, GitHub's and GitLab's), at one pinned version,
# built from the Go module proxy with the machine's `go` in a throw-away wrapper module (never committed).
#
# Idempotent: the binary is cached by version; a second run only checks it and prints its path.
#
# Usage: hack/registry.sh            prints the path of the binary on stdout (everything else goes to stderr)
# Env:   KUBEOPENCODE_CACHE (default ~/.cache/kubeopencode): the binary goes to <cache>/registry/<version>/registry.
set -euo pipefail

# v3.0.0 needs Go >= 1.23.7 (v3.1.x wants Go 1.26); its go.mod has no replace directives.
DISTRIBUTION_VERSION=3.0.0
PACKAGE=github.com/distribution/distribution/v3/cmd/registry

cache="${KUBEOPENCODE_CACHE:-$HOME/.cache/kubeopencode}"
dir="$cache/registry/${DISTRIBUTION_VERSION}"
bin="$dir/registry"

log() { printf '[registry] %s\n' "$*" >&2; }
die() { printf '[registry] ERROR: %s\n' "$*" >&2; exit 1; }

complete() { [[ -x "$bin" ]] && "$bin" --version 2>/dev/null | grep -qF "v${DISTRIBUTION_VERSION}"; }

if complete; then
  echo "$bin"
  exit 0
fi

command -v go >/dev/null 2>&1 || die "cannot provision the OCI registry (distribution v${DISTRIBUTION_VERSION}): no 'go' \
toolchain is installed to build it from Go modules (install Go >= 1.23.7; it builds $PACKAGE@v${DISTRIBUTION_VERSION})"

mkdir -p "$dir"
# Several test JVMs may ask at once: one builds, the others wait for it and find it done.
exec 9>"$dir/.lock"
flock 9
if complete; then
  echo "$bin"
  exit 0
fi

tmp="$(mktemp -d "$dir/tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
mod="$tmp/mod"
mkdir -p "$mod"
cat >"$mod/go.mod" <<GOMOD
module kubeopencode.local/registry-binary

go 1.23.7

require github.com/distribution/distribution/v3 v${DISTRIBUTION_VERSION}
GOMOD
printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$PACKAGE" >"$mod/tools.go"

start=$SECONDS
log "building distribution v${DISTRIBUTION_VERSION} ($PACKAGE) from Go modules (cold: a few minutes on 2 cores)"
(cd "$mod" && GOFLAGS=-mod=mod go mod tidy >/dev/null) \
  || die "could not resolve $PACKAGE@v${DISTRIBUTION_VERSION} from the Go module proxy (see above)"
# -X sets what `registry --version` prints (its release builds do the same); the check above relies on it.
(cd "$mod" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath \
  -ldflags "-s -w -X github.com/distribution/distribution/v3/version.version=v${DISTRIBUTION_VERSION}" \
  -o "$tmp/registry" "$PACKAGE") || die "building $PACKAGE@v${DISTRIBUTION_VERSION} failed (see above)"
"$tmp/registry" --version | grep -qF "v${DISTRIBUTION_VERSION}" \
  || die "the built registry does not report version v${DISTRIBUTION_VERSION}: $("$tmp/registry" --version 2>&1)"
chmod 0755 "$tmp/registry"
mv -f "$tmp/registry" "$bin"
log "ready: $bin ($((SECONDS - start)) s)"
echo "$bin"
