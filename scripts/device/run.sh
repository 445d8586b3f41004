#!/usr/bin/env bash
# On the lent GPU machine (see bundle.sh): unpack Node and the Vulkan loader, point Dawn at the
# NVIDIA driver, then `bench` (full grid, each case within --max-case-seconds): it first checks
# the GPU collision operator against its float64 twin at every N_v (exit 1 if they disagree),
# then times. Everything goes to $OUT: bench.json (the records), bench.log (progress, the
# agreement lines, the summary), linearized.json (the L⁻¹ cases), env.txt (driver and adapter facts).
set -uo pipefail
OUT=${OUT:-/tmp/device-out}
mkdir -p "$OUT"
for f in .device/deb/*.deb; do dpkg -x "$f" /; done
ldconfig
python3 -c "import lzma,sys; open('/tmp/node','wb').write(lzma.open('.device/node.xz').read())"
chmod +x /tmp/node
ICD=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -f "$ICD" ] || ICD=$(ls /usr/share/vulkan/icd.d/nvidia_icd*.json /etc/vulkan/icd.d/nvidia_icd*.json 2>/dev/null | head -1)
if [ -n "$ICD" ] && [ -f "$ICD" ]; then
  export VK_ICD_FILENAMES=$ICD VK_DRIVER_FILES=$ICD
else
  echo "no NVIDIA Vulkan ICD found: Dawn picks what it finds (SwiftShader, if present, is not a GPU)" >&2
fi
{ nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv; /tmp/node --version; echo "ICD: $ICD"; } > "$OUT/env.txt" 2>&1
cd .device/app
timeout 500 /tmp/node dist-node/bench.js --max-case-seconds "${MAX_CASE_SECONDS:-40}" --out "$OUT/bench.json" --linearized-out "$OUT/linearized.json" 2> "$OUT/bench.log"
status=$?
tail -40 "$OUT/bench.log"
exit $status
