/**
 * The headless entry point: `npm run sim -- <command>`. The same WGSL and engine code as the
 * browser, on Dawn (Node). Commands grow with the solver; today: `adapter` and `probe`.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_PROBE, momentsProbe } from '../engine/momentsProbe';
import { describeAdapter, WebGpuUnavailableError } from '../gpu/context';
import { acquireNodeGpu } from '../gpu/node';
import { velocityGrid } from '../physics/velocityGrid';

function positiveInteger(field: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new InvalidArgumentError(`${field} must be an integer ≥ 1, got "${value}"`);
    return n;
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

program.parseAsync(process.argv).catch((e: unknown) => {
  if (e instanceof WebGpuUnavailableError) console.error(`error: ${e.message}`);
  else console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(e instanceof WebGpuUnavailableError ? 3 : 1);
});
