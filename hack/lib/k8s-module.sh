# Sourced by hack/kube-binaries.sh and hack/node-binaries.sh: builds commands of k8s.io/kubernetes from Go modules.
# The caller defines log and die.
#
# `go install k8s.io/kubernetes/cmd/...@vX` is refused (its go.mod points the staging modules at ./staging with
# replace directives), so this writes a small wrapper module of its own (never committed) that requires
# k8s.io/kubernetes and replaces every staging module by its published v0.x release, generated from the downloaded
# go.mod. Both scripts write the same wrapper and use the same flags, so the Go build cache one fills serves the other.

# k8s_build VERSION MODULE_DIR OUT_DIR COMMAND...
#   VERSION as 1.34.4; MODULE_DIR an empty scratch directory; COMMAND a directory under k8s.io/kubernetes/cmd/
#   (kube-apiserver, kubelet, ...). Writes OUT_DIR/COMMAND for each; returns non-zero when a step fails (callers run
#   it under `||`, where set -e does not apply).
k8s_build() {
  local version="$1" mod="$2" out="$3"; shift 3
  local cmds=("$@") pkgs=() c
  for c in "${cmds[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$c"); done
  mkdir -p "$mod"
  local gomod
  gomod="$(cd "$mod" && GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@v${version}" \
    | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')" || true
  [[ -f "$gomod" ]] || die "could not download k8s.io/kubernetes@v${version} from the Go module proxy"
  {
    echo "module kubeopencode.local/k8s-binaries"
    echo
    echo "go 1.24"
    echo
    echo "require k8s.io/kubernetes v${version}"
    echo
    # k8s.io/kubernetes points its staging modules at ./staging; point them at the published v0.x releases.
    grep -E '^[[:space:]]*k8s\.io/[^ ]+ => \./staging/' "$gomod" \
      | awk -v v="v0.${version#1.}" '{print "replace " $1 " => " $1 " " v}'
  } >"$mod/go.mod" || return 1
  {
    printf '//go:build tools\n\npackage tools\n\nimport (\n'
    for c in "${pkgs[@]}"; do printf '\t_ "%s"\n' "$c"; done
    printf ')\n'
  } >"$mod/tools.go" || return 1
  (cd "$mod" && go mod tidy >/dev/null) || return 1
  local minor="${version#1.}"; minor="${minor%%.*}"
  (cd "$mod" && CGO_ENABLED=0 go build -trimpath -pgo=off -tags selinux,notest \
    -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=v${version} -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${minor}" \
    -o "$out/" "${pkgs[@]}")
}
