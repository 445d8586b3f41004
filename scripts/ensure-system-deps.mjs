#!/usr/bin/env node
// The system packages the GPU, browser and cluster tests need (WEBGPU-TESTING.md): Chromium (the e2e
// browser, and SwiftShader's Vulkan driver for Dawn), the Vulkan loader, and Slurm with munge. As root with apt-get,
// install what is missing; otherwise stop and say exactly what to install. Never skip silently.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const swiftShaderIcd = '/usr/lib/chromium/vk_swiftshader_icd.json';

function hasVulkanLoader() {
  try {
    return execFileSync('/sbin/ldconfig', ['-p'], { encoding: 'utf8' }).includes('libvulkan.so.1');
  } catch {
    return ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1'].some(
      existsSync,
    );
  }
}

function missing() {
  const packages = [];
  if (!existsSync(chromium) || !existsSync(swiftShaderIcd)) packages.push('chromium');
  if (!hasVulkanLoader()) packages.push('libvulkan1');
  // the cluster test (tests/cluster/slurm.test.ts) runs a one-node Slurm: scripts/slurm/local-cluster.sh
  if (!['/usr/sbin/slurmctld', '/usr/sbin/slurmd', '/usr/bin/sbatch'].every(existsSync))
    packages.push('slurm-wlm');
  if (!existsSync('/usr/sbin/munged')) packages.push('munge');
  return packages;
}

let packages = missing();
if (packages.length === 0) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = existsSync('/usr/bin/apt-get');
if (!isRoot || !hasApt) {
  console.error(
    `The GPU, browser and cluster tests need these system packages: ${packages.join(' ')}.\n` +
      (hasApt
        ? `Install them with:\n  sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}\n`
        : 'Install Chromium and the Vulkan loader (libvulkan.so.1) with your system package manager, and set\n' +
          'CHROMIUM_PATH to the browser; Dawn needs a Vulkan driver (SwiftShader ships with Chromium).\n'),
  );
  process.exit(1);
}
console.error(`Installing system packages for the GPU, browser and cluster tests: ${packages.join(' ')}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
// Slurm without its recommends (no mail, no X): what a one-node cluster on this machine needs
const cluster = packages.filter((p) => p === 'slurm-wlm' || p === 'munge');
const rest = packages.filter((p) => !cluster.includes(p));
if (rest.length > 0) execFileSync('apt-get', ['install', '-y', '-qq', ...rest], { stdio: 'inherit', env });
if (cluster.length > 0) {
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...cluster], {
    stdio: 'inherit',
    env,
  });
}
packages = missing();
if (packages.length > 0) {
  console.error(`Still missing after apt-get install: ${packages.join(' ')}`);
  process.exit(1);
}
