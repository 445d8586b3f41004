/**
 * The CLI under test, two ways: in-process (a command registered on a fresh commander program with
 * its exit and stderr captured), and as the built bundle (for tests that spawn and kill it).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Command } from 'commander';
import { build } from 'vite';
import type { RunCommandIo } from '../../src/cli/run';

class ExitCalled extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/**
 * Runs `sim <name> ...args` in-process with the command `register` adds (registerRunCommand,
 * registerSweepCommand) and `runner` as its engine; returns the exit status and everything written
 * to stderr. `isTTY` selects the progress display.
 */
export async function simInProcess<R>(
  register: (program: Command, runner: R, io: RunCommandIo) => unknown,
  runner: R,
  name: string,
  args: readonly string[],
  isTTY = false,
): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const sink = {
    isTTY,
    write: (text: string) => {
      stderr += text;
      return true;
    },
  };
  const program = new Command('sim').exitOverride().configureOutput({ writeErr: sink.write });
  register(program, runner, {
    exit: (code) => {
      throw new ExitCalled(code);
    },
    stderr: sink,
  });
  try {
    await program.parseAsync([name, ...args], { from: 'user' });
    return { code: 0, stderr };
  } catch (e) {
    if (e instanceof ExitCalled) return { code: e.code, stderr };
    throw e;
  }
}

/** Builds src/cli/sim.ts into `outDir/sim.js` (Node ESM), for tests that spawn the real CLI. */
export async function buildCliBundle(repo: string, outDir: string): Promise<void> {
  await build({
    configFile: false,
    root: repo,
    publicDir: false,
    logLevel: 'warn',
    build: {
      ssr: true,
      outDir,
      target: 'node20',
      emptyOutDir: true,
      rollupOptions: {
        input: { sim: join(repo, 'src/cli/sim.ts') },
        output: { entryFileNames: '[name].js', format: 'es' },
      },
    },
  });
}

/**
 * A small collisional two-ion set-up for tests of the built CLI (n_x 4, N_v 8, ~0.1–0.3 s a step on
 * the CPU backend): field on, a deliberately coarse grid whose exchange-rate error is accepted
 * (grid.tolerance 0.5). `time` and `remainder` are the caller's.
 */
export function smallCollisionalConfig(time: object, remainder?: object): object {
  return {
    species: [
      { name: 'A', mass: 1, charge: 1, diameter: 1, density: 1, temperature: 1, drift: [0, 0, 0] },
      { name: 'B', mass: 1.2, charge: -1, diameter: 1, density: 0.7, temperature: 1, drift: [0, 0, 0] },
    ],
    collisions: { enabled: true, gamma: 0, knudsen: 0.3 },
    field: { enabled: true },
    grid: { nx: 4, length: 6, nv: 8, vmax: 4, tolerance: 0.5 },
    perturbation: { kind: 'isentropic', amplitude: 0.1, mode: 1 },
    time,
    ...(remainder ? { remainder } : {}),
  };
}

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** The built CLI `cli` (a sim.js) in a child process with `args`; its stderr is collected. */
export function spawnCli(
  cli: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): { child: ChildProcess; exited: Promise<CliExit> } {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env });
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const exited = new Promise<CliExit>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
  return { child, exited };
}
