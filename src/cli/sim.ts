/**
 * The headless entry point: `npm run sim -- <command>`. The same WGSL and engine code as the
 * browser, on Dawn (Node). Commands: `adapter`, `probe`, `relax`, `run` (src/cli/run.ts),
 * `sweep` (src/cli/sweep.ts), `transport` (src/cli/transport.ts).
 * Exit status: 0 done, 1 failure, 2 input refused (the message names the field and the allowed
 * range), 3 no WebGPU adapter, 4 (run) the step guard gave up on an unstable run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { momentsProbe } from '../engine/momentsProbe';
import { homogeneousRelaxation, RELAXATION_COLUMNS, type RelaxationRow } from '../engine/relaxation';
import { runSimulation } from '../engine/run';
import { describeAdapter, WebGpuUnavailableError } from '../gpu/context';
import { acquireNodeGpu } from '../gpu/node';
import { DEFAULT_PROBE } from '../physics/probe';
import { InvalidParameterError, velocityGrid } from '../physics/velocityGrid';
import { type RunSimulation, registerRunCommand } from './run';
import { registerSweepCommand } from './sweep';
import { registerClusterCommands } from './sweepCluster';
import { registerTransportCommand } from './transport';

function positiveInteger(field: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new InvalidArgumentError(`${field} must be an integer ≥ 1, got "${value}"`);
    return n;
  };
}

function finiteNumber(field: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n))
      throw new InvalidArgumentError(`${field} must be a finite number, got "${value}"`);
    return n;
  };
}

function vector3(field: string) {
  return (value: string): [number, number, number] => {
    const parts = value.split(',').map(Number);
    if (parts.length !== 3 || !parts.every(Number.isFinite)) {
      throw new InvalidArgumentError(`${field} must be three finite numbers "u1,u2,u3", got "${value}"`);
    }
    return parts as [number, number, number];
  };
}

const program = new Command('sim')
  .description(
    'Two-species Vlasov–Poisson–Boltzmann simulator, headless (WebGPU through Dawn, or the CPU reference)',
  )
  .showHelpAfterError();

program
  .command('adapter')
  .description('print the WebGPU adapter Dawn finds and the limits the device gets')
  .option('--json', 'machine-readable output')
  .action(async (options: { json?: boolean }) => {
    const { report, device } = await acquireNodeGpu();
    console.log(
      options.json
        ? JSON.stringify(report, null, 2)
        : `${describeAdapter(report)}\n${JSON.stringify(report.limits, null, 2)}`,
    );
    device.destroy();
  });

program
  .command('probe')
  .description('velocity moments of a perturbed Maxwellian slab, GPU kernel against the float64 reference')
  .option('--nx <cells>', 'x-cells', positiveInteger('--nx'), DEFAULT_PROBE.nx)
  .option(
    '--nv <points>',
    'velocity points per axis (8, 16, 32, 64)',
    positiveInteger('--nv'),
    DEFAULT_PROBE.nv,
  )
  .addOption(
    new Option('--backend <backend>', 'where the kernel runs').choices(['gpu', 'cpu']).default('gpu'),
  )
  .action(async (options: { nx: number; nv: number; backend: 'gpu' | 'cpu' }) => {
    velocityGrid(options.nv, 1); // validates N_v with a message naming the field
    const context = options.backend === 'gpu' ? await acquireNodeGpu() : null;
    if (context) console.error(`adapter: ${describeAdapter(context.report)}`);
    const result = await momentsProbe(context?.device ?? null, {
      ...DEFAULT_PROBE,
      nx: options.nx,
      nv: options.nv,
    });
    console.log(
      JSON.stringify(
        {
          backend: result.backend,
          nx: options.nx,
          nv: options.nv,
          maxRelativeError: result.maxRelativeError,
          milliseconds: Number(result.milliseconds.toFixed(2)),
          densityRange: [Math.min(...result.density), Math.max(...result.density)],
          temperatureRange: [Math.min(...result.temperature), Math.max(...result.temperature)],
        },
        null,
        2,
      ),
    );
    context?.device.destroy();
  });

interface RelaxOptions {
  massA: number;
  massB: number;
  diameterA: number;
  diameterB: number;
  densityA: number;
  densityB: number;
  temperatureA: number;
  temperatureB: number;
  driftA: [number, number, number];
  driftB: [number, number, number];
  gamma: number;
  knudsen: number;
  dt: number;
  steps: number;
  every: number;
  nv: number;
  vmax?: number;
  backend: 'gpu' | 'cpu';
  out?: string;
}

program
  .command('relax')
  .description('spatially homogeneous relaxation of the mixture by collisions alone (AP collision step)')
  .option('--mass-a <m>', 'm_A in proton masses', finiteNumber('--mass-a'), 1)
  .option('--mass-b <m>', 'm_B in proton masses', finiteNumber('--mass-b'), 2)
  .option('--diameter-a <d>', 'd_A (dimensionless)', finiteNumber('--diameter-a'), 1)
  .option('--diameter-b <d>', 'd_B (dimensionless)', finiteNumber('--diameter-b'), 1)
  .option('--density-a <n>', 'n_A', finiteNumber('--density-a'), 1)
  .option('--density-b <n>', 'n_B', finiteNumber('--density-b'), 0.7)
  .option('--temperature-a <θ>', 'θ_A (energy units)', finiteNumber('--temperature-a'), 1.3)
  .option('--temperature-b <θ>', 'θ_B (energy units)', finiteNumber('--temperature-b'), 0.8)
  .option('--drift-a <u>', 'u_A as u1,u2,u3', vector3('--drift-a'), [0.2, 0, 0])
  .option('--drift-b <u>', 'u_B as u1,u2,u3', vector3('--drift-b'), [-0.2, 0.1, 0])
  .option('--gamma <γ>', 'kernel exponent γ in (−3, 1]', finiteNumber('--gamma'), 0)
  .option('--knudsen <ε>', 'Knudsen number ε > 0', finiteNumber('--knudsen'), 1)
  .option('--dt <dt>', 'time step', finiteNumber('--dt'), 0.02)
  .option('--steps <n>', 'number of steps', positiveInteger('--steps'), 200)
  .option('--every <n>', 'output every n steps', positiveInteger('--every'), 10)
  .option('--nv <points>', 'velocity points per axis (8, 16, 32, 64)', positiveInteger('--nv'), 32)
  .option(
    '--vmax <L>',
    'box half-width (default: chosen from the species; refused if it cannot hold them)',
    finiteNumber('--vmax'),
  )
  .addOption(
    new Option('--backend <backend>', 'where the kernels run').choices(['gpu', 'cpu']).default('gpu'),
  )
  .option('--out <dir>', 'write relaxation.csv here (default: CSV on stdout)')
  .action(async (o: RelaxOptions) => {
    const species = [
      {
        mass: o.massA,
        diameter: o.diameterA,
        density: o.densityA,
        temperature: o.temperatureA,
        drift: o.driftA,
      },
      {
        mass: o.massB,
        diameter: o.diameterB,
        density: o.densityB,
        temperature: o.temperatureB,
        drift: o.driftB,
      },
    ] as const;
    const context = o.backend === 'gpu' ? await acquireNodeGpu() : null;
    if (context) console.error(`adapter: ${describeAdapter(context.report)}`);
    const lines = [RELAXATION_COLUMNS.join(',')];
    const emit = (row: RelaxationRow, done: number) => {
      lines.push(RELAXATION_COLUMNS.map((c) => row[c].toPrecision(9)).join(','));
      if (!o.out) console.log(lines.at(-1));
      process.stderr.write(
        `\rstep ${done}/${o.steps}  t = ${row.t.toFixed(3)}  |F − M|/M = ${row.distanceToEquilibrium.toExponential(2)}   `,
      );
    };
    if (!o.out) console.log(lines[0]);
    const { grid, warnings } = await homogeneousRelaxation(
      context?.device ?? null,
      {
        species,
        gamma: o.gamma,
        knudsen: o.knudsen,
        dt: o.dt,
        steps: o.steps,
        every: o.every,
        nv: o.nv,
        vmax: o.vmax ?? null,
      },
      emit,
    );
    process.stderr.write('\n');
    console.error(`grid: N_v = ${grid.nv}, L = ${grid.vmax.toPrecision(4)}, Δv = ${grid.dv.toPrecision(4)}`);
    for (const w of warnings) console.error(`warning: ${w}`);
    if (o.out) {
      mkdirSync(o.out, { recursive: true });
      writeFileSync(join(o.out, 'relaxation.csv'), `${lines.join('\n')}\n`);
      console.error(`wrote ${join(o.out, 'relaxation.csv')}`);
    }
    context?.device.destroy();
  });

const engine: RunSimulation = async (config, backend, onRow, options = {}) => {
  const context = backend === 'gpu' ? await acquireNodeGpu() : null;
  try {
    const { backend: _name, ...result } = await runSimulation(
      config,
      context?.device ?? null,
      onRow,
      options,
    );
    return { ...result, adapter: context ? describeAdapter(context.report) : 'none (float64 CPU reference)' };
  } finally {
    context?.device.destroy();
  }
};
registerRunCommand(program, engine);
registerClusterCommands(registerSweepCommand(program, engine), engine);
registerTransportCommand(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  // 2: the input was refused (a named field out of range); 3: no WebGPU; 1: anything else
  process.exit(e instanceof InvalidParameterError ? 2 : e instanceof WebGpuUnavailableError ? 3 : 1);
});
