import { defineConfig } from 'vite';

// The headless entry points (CLI, later the benchmark) bundled for Node with the same `?raw`
// WGSL imports as the browser build. Dependencies stay external and load from node_modules.
export default defineConfig({
  build: {
    ssr: true,
    outDir: 'dist-node',
    target: 'node20',
    sourcemap: true,
    emptyOutDir: true,
    rollupOptions: {
      input: { sim: 'src/cli/sim.ts', bench: 'src/cli/bench.ts' },
      output: { entryFileNames: '[name].js', format: 'es' },
    },
  },
});
