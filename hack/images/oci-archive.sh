#!/usr/bin/env bash
# Writes a one-layer container image tar from a root filesystem directory, byte for byte reproducible (same
# directory contents and modes, same arguments, same tar and gzip: same bytes), without a Docker daemon or registry.
# The tar is at once an OCI image layout (oci-layout, index.json, blobs/sha256/) and a docker-archive
# (manifest.json), as `docker save` of Docker 25+ writes it, so `ctr images import`, `docker load` and Jib's
# `tar://` base image all accept it. Prints the manifest digest (sha256:...) on stdout.
#
# Usage: hack/images/oci-archive.sh --rootfs DIR --out FILE.tar --ref NAME:TAG
#          [--entrypoint JSON_ARRAY] [--cmd JSON_ARRAY] [--user UID:GID] [--env K=V]... [--workdir DIR]
#          [--label K=V]... [--chown PATH=UID:GID]...
#   Every file is owned by 0:0 in the layer, whoever owns it in DIR (so a build as non-root gives the same bytes);
#   --chown PATH=UID:GID is the exception: PATH (relative to DIR) and everything under it get that owner.
#   File modes (setuid, sticky /tmp), symlinks and hard links are kept; every mtime is 0.
set -euo pipefail
export LC_ALL=C TZ=UTC

die() { printf 'oci-archive: ERROR: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

rootfs="" out="" ref="" entrypoint="" cmd="" user="" workdir=""
envs=() labels=() chowns=()
while (($#)); do
  case "$1" in
    -h | --help) usage ;;
    --rootfs | --out | --ref | --entrypoint | --cmd | --user | --workdir | --env | --label | --chown)
      (($# >= 2)) || die "$1 needs a value" ;;&
    --rootfs) rootfs="$2" ;;
    --out) out="$2" ;;
    --ref) ref="$2" ;;
    --entrypoint) entrypoint="$2" ;;
    --cmd) cmd="$2" ;;
    --user) user="$2" ;;
    --workdir) workdir="$2" ;;
    --env) envs+=("$2") ;;
    --label) labels+=("$2") ;;
    --chown) chowns+=("$2") ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
  shift 2
done

[[ -n "$rootfs" && -n "$out" && -n "$ref" ]] || die "--rootfs, --out and --ref are required (see --help)"
[[ -d "$rootfs" ]] || die "--rootfs '$rootfs' is not a directory"
# NAME:TAG; a colon before the last slash is a registry port, not a tag.
tag="${ref##*:}"
[[ "$ref" == *:* && -n "${ref%:*}" && "$tag" != */* && "$tag" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] \
  || die "--ref '$ref' is not NAME:TAG"
for a in entrypoint cmd; do
  [[ -z "${!a}" ]] || jq -e 'type == "array" and all(type == "string")' <<<"${!a}" >/dev/null 2>&1 \
    || die "--$a '${!a}' is not a JSON array of strings"
done
[[ -z "$user" || "$user" =~ ^[^:]+(:[^:]+)?$ ]] || die "--user '$user' is not USER or UID:GID"
for kv in "${envs[@]}" "${labels[@]}"; do
  [[ "$kv" =~ ^[^=]+= ]] || die "'$kv' is not K=V (--env, --label)"
done
for i in "${!chowns[@]}"; do
  [[ "${chowns[$i]}" =~ ^(\./)?([^=]*[^=/])/*=([0-9]+:[0-9]+)$ ]] || die "--chown '${chowns[$i]}' is not PATH=UID:GID"
  chowns[i]="${BASH_REMATCH[2]}=${BASH_REMATCH[3]}" # as tar names it: no ./ in front, no / at the end
  [[ -e "$rootfs/${BASH_REMATCH[2]}" || -L "$rootfs/${BASH_REMATCH[2]}" ]] \
    || die "--chown: '${BASH_REMATCH[2]}' does not exist under $rootfs"
done

mkdir -p "$(dirname "$out")"
# Next to the output, so that the final mv is an atomic rename.
tmp="$(mktemp -d "$(dirname "$out")/.oci-archive.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/img/blobs/sha256"

# Reproducible tar: entries sorted by name, mtime 0, numeric owners, no atime/ctime, and pax header names without
# the PID that GNU tar puts there by default (%p).
# shellcheck disable=SC2054 # the commas belong to --pax-option
tar_repro=(--sort=name --mtime=@0 --numeric-owner --format=posix
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime)

# The layer: DIR's top-level entries (names without "./", as docker build writes them), then each --chown path
# appended with its own owner (GNU tar sets one owner per run; the order stays deterministic).
excludes=()
for c in "${chowns[@]}"; do excludes+=("--exclude=${c%=*}"); done
find "$rootfs" -mindepth 1 -maxdepth 1 -printf '%P\0' | sort -z \
  | tar -C "$rootfs" -cf "$tmp/layer.tar" "${tar_repro[@]}" --owner=0 --group=0 \
    --anchored --no-wildcards "${excludes[@]}" --null -T -
for c in "${chowns[@]}"; do
  ids="${c##*=}"
  tar -C "$rootfs" -rf "$tmp/layer.tar" "${tar_repro[@]}" --owner="${ids%:*}" --group="${ids#*:}" -- "${c%=*}"
done

# Moves a file into blobs/sha256/ under its digest; prints the digest's hex.
blob() {
  local hex
  hex="$(sha256sum "$1" | cut -d' ' -f1)"
  mv "$1" "$tmp/img/blobs/sha256/$hex"
  printf '%s' "$hex"
}
size() { stat -c %s "$tmp/img/blobs/sha256/$1"; }

diff_id="$(sha256sum "$tmp/layer.tar" | cut -d' ' -f1)"
# -n: no file name or time in the gzip header; a fixed level, so a changed default cannot change the bytes.
gzip -n -6 <"$tmp/layer.tar" >"$tmp/layer.tar.gz"
rm "$tmp/layer.tar"
layer="$(blob "$tmp/layer.tar.gz")"

# Canonical JSON (jq -cS: sorted keys, no spaces), written without a trailing newline. Empty fields are left out.
jq -cSj -n --arg diff_id "sha256:$diff_id" --arg user "$user" --arg workdir "$workdir" \
  --argjson entrypoint "${entrypoint:-null}" --argjson cmd "${cmd:-null}" \
  --argjson env "$(jq -cn '$ARGS.positional' --args "${envs[@]}")" \
  --argjson labels "$(jq -cn '$ARGS.positional | map(index("=") as $i | {(.[:$i]): .[$i + 1:]}) | add // {}' \
    --args "${labels[@]}")" '
  { architecture: "amd64", os: "linux", created: "1970-01-01T00:00:00Z",
    config: ({ Entrypoint: $entrypoint, Cmd: $cmd, User: $user, Env: $env, WorkingDir: $workdir, Labels: $labels }
             | with_entries(select(.value != null and .value != "" and .value != [] and .value != {}))),
    rootfs: { type: "layers", diff_ids: [$diff_id] },
    history: [{ created: "1970-01-01T00:00:00Z", created_by: "hack/images/oci-archive.sh" }] }' \
  >"$tmp/config.json"
config="$(blob "$tmp/config.json")"

jq -cSj -n --arg config "$config" --argjson config_size "$(size "$config")" \
  --arg layer "$layer" --argjson layer_size "$(size "$layer")" '
  { schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: "sha256:\($config)", size: $config_size },
    layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: "sha256:\($layer)",
               size: $layer_size }] }' >"$tmp/manifest.json"
manifest="$(blob "$tmp/manifest.json")"

# OCI layout: index.json names the image as Docker 25+ and containerd do (the tag; the full reference).
jq -cSj -n --arg manifest "$manifest" --argjson size "$(size "$manifest")" --arg ref "$ref" --arg tag "$tag" '
  { schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
    manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: "sha256:\($manifest)",
                  size: $size,
                  annotations: { "io.containerd.image.name": $ref, "org.opencontainers.image.ref.name": $tag } }] }' \
  >"$tmp/img/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' >"$tmp/img/oci-layout"
# docker-archive: the same blobs; docker load and Jib read this one.
jq -cj -n --arg config "$config" --arg layer "$layer" --arg ref "$ref" \
  '[{ Config: "blobs/sha256/\($config)", RepoTags: [$ref], Layers: ["blobs/sha256/\($layer)"] }]' \
  >"$tmp/img/manifest.json"

tar -C "$tmp/img" -cf "$tmp/out.tar" "${tar_repro[@]}" --owner=0 --group=0 --mode=u=rwX,go=rX \
  blobs index.json manifest.json oci-layout
mv -f "$tmp/out.tar" "$out"
printf 'sha256:%s\n' "$manifest"
