/**
 * The CLI under test, two ways: in-process (a command registered on a fresh commander program with
 * its exit and stderr captured), and as the built bundle (for tests that spawn and kill it).
 */
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
