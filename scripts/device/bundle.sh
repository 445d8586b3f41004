#!/usr/bin/env bash
# Prepares .device/ (git-ignored through .git/info/exclude) for ONE run on a lent GPU machine
# (../.library/device): that machine has no Node, no network and nothing of node_modules, so this
# carries the Node binary (xz), the bundled CLI (dist-node), the four runtime packages it imports
# (commander, valibot, webgpu with its Linux x64 Dawn build only) and the Vulkan loader .deb.
# Run it here, then: run(command="bash scripts/device/run.sh", carry=[".device"], timeout_s=540).
# About 35 MiB in all (the carry limit is 64 MiB).
set -euo pipefail
cd "$(dirname "$0")/../.."
exclude=$(git rev-parse --git-path info/exclude)
mkdir -p "$(dirname "$exclude")" && touch "$exclude"
grep -qx '/.device/' "$exclude" || echo '/.device/' >> "$exclude"

rm -rf .device
mkdir -p .device/app/node_modules/webgpu/dist .device/deb
npm run build:node --silent -- --logLevel warn
cp -r dist-node .device/app/
for p in commander valibot; do cp -r "node_modules/$p" .device/app/node_modules/; done
cp node_modules/webgpu/package.json node_modules/webgpu/index.js .device/app/node_modules/webgpu/
cp -r node_modules/webgpu/dist/linux-x64 .device/app/node_modules/webgpu/dist/
xz -T0 -6 -c "$(readlink -f "$(command -v node)")" > .device/node.xz
(cd .device/deb && apt-get download libvulkan1 >/dev/null 2>&1)
du -sh .device
