/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// One config for the app (Vite) and the three test projects (Vitest).
// WGSL files are imported as text with the `?raw` suffix, so the browser build, the Node build
// (vite.node.config.ts) and the tests all see the very same shader source.
const swiftShaderIcd = '/usr/lib/chromium/vk_swiftshader_icd.json';

export default defineConfig({
  base: './',
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 1500 },
  preview: { host: '127.0.0.1' },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        extends: true,
        test: {
          name: 'gpu',
          include: ['tests/gpu/**/*.test.ts'],
          environment: 'node',
          // Dawn finds SwiftShader through this; a user-set value (a real GPU's ICD) wins.
          env: { VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? swiftShaderIcd },
          // SwiftShader already uses every core: run GPU files one after another.
          fileParallelism: false,
          // a hang guard, not a speed assertion: the collisional tests take 1–3 min on 2 CPU cores
          testTimeout: 300_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          exclude: ['tests/e2e/liveness.test.ts'],
          environment: 'node',
          globalSetup: ['tests/e2e/globalSetup.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: {
          // a one-node Slurm started and stopped by the test (scripts/slurm/local-cluster.sh): root
          name: 'cluster',
          include: ['tests/cluster/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: {
          // The page's wall-clock promises (issue 16: data within 10 s of load on SwiftShader, a
          // preset switch within 2 s): a group of its own (groupOrder 1; Vitest runs groups one
          // after another: the parallel unit tests before it, the sequential gpu and e2e files
          // after it), so they measure the page alone on the machine's cores.
          name: 'e2e-timed',
          include: ['tests/e2e/liveness.test.ts'],
          environment: 'node',
          globalSetup: ['tests/e2e/globalSetup.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
