#!/bin/sh
# /entrypoint.sh of kubeopencode/test-agent, run as the pod's opencode-init container (no arguments): puts the agent
# CLI where the agent container finds it, as upstream's agent image does: /opencode is copied to
# ${TOOLS_DIR}/${OPENCODE_BIN} (defaults /tools/opencode; /tools is the pod's shared emptyDir) and made executable.
set -e
dir="${TOOLS_DIR:-/tools}"
target="$dir/${OPENCODE_BIN:-opencode}"
version="an unknown version"
if [ -r /opencode-version ]; then version="$(cat /opencode-version)"; fi
echo "[opencode-init] installing $version as $target"
mkdir -p "$dir"
cp /opencode "$target"
chmod +x "$target"
echo "[opencode-init] done: the agent container can run $target"
