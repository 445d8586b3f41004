/**
 * Measuring one bench case (src/bench/cases.ts) on the GPU backend or on the float64 CPU backend,
 * through the public engine API (simulationSetup, initialState, GpuBackend, CpuBackend, strangStep,
 * fieldFromMoments, RemainderMonitor). Each repeat times every part once, interleaved, after one
 * warm-up of each; the medians are reported (record.ts says which time is which).
 *
 * GpuBackend records into an encoder of its own, so our timestamp passes cannot bracket its
 * kernels. The GPU-time parts (collision step, transport) therefore run on kernel instances of our
 * own (CollisionStep, Transport) configured exactly as GpuBackend.create() configures its own, on a
 * copy of the same initial state. That costs a second compilation of those pipelines (seconds on
 * SwiftShader, outside every timed span) and a second set of their buffers, and buys a span that
 * holds the kernels and nothing else: one command buffer, no host work or submit gap inside it.
 */
import { CpuBackend } from '../engine/cpuBackend';
import { GpuBackend } from '../engine/gpuBackend';
import { RemainderMonitor } from '../engine/remainderMonitor';
import {
  fieldFromMoments,
  initialState,
  type SimulationSetup,
  type StepBackend,
  simulationSetup,
  strangStep,
} from '../engine/step';
import { createStorageBuffer } from '../gpu/buffers';
import { CollisionStep } from '../gpu/CollisionStep';
import type { BlockPass } from '../gpu/collisionPlan';
import { Transport } from '../gpu/Transport';
import type { ResolvedConfig } from '../physics/config';
import { fluidCellParameters, type RemainderParameters } from '../physics/remainderNorms';
import { type BenchCase, benchConfig, caseQuadrature } from './cases';
import { batchFor, type GpuTimer } from './gpuTimer';
import type { Measurement } from './record';
import { median, repeatsWithinBudget } from './stats';

export interface MeasureOptions {
  /** Timed repeats wanted (fewer when the warm-up shows they would exceed budgetMs). */
  readonly repeats: number;
  readonly budgetMs: number;
  /** Progress lines (stderr). */
  readonly log: (line: string) => void;
}

/** A part of a case: one timed execution, in ms. */
type Part = () => Promise<number>;
type PartName = 'step' | 'collision' | 'transport' | 'poisson' | 'remainder';

/**
 * One warm-up of every part, then as many repeats as fit the budget (at least one), each timing
 * every part once; the median per part.
 */
async function runParts(
  parts: Partial<Record<PartName, Part>>,
  options: MeasureOptions,
): Promise<{ medians: Partial<Record<PartName, number>>; repeats: number }> {
  const started = performance.now();
  const entries = Object.entries(parts) as [PartName, Part][];
  for (const [, part] of entries) await part();
  // a repeat costs about what the warm-up did (batched GPU samples add at most a few ms each)
  const elapsed = performance.now() - started;
  const fitted = repeatsWithinBudget(elapsed, elapsed, options.repeats, options.budgetMs);
  const repeats = fitted ?? 1;
  if (fitted === null) {
    options.log(
      `  the warm-up took ${(elapsed / 1000).toFixed(1)} s: one repeat only, it will overrun the budget`,
    );
  } else if (repeats < options.repeats) {
    options.log(`  the warm-up took ${(elapsed / 1000).toFixed(1)} s: ${repeats} repeats fit the budget`);
  }
  const samples = Object.fromEntries(entries.map(([name]) => [name, [] as number[]])) as Record<
    PartName,
    number[]
  >;
  for (let i = 0; i < repeats; i++) {
    for (const [name, part] of entries) samples[name].push(await part());
  }
  const medians = Object.fromEntries(entries.map(([name]) => [name, median(samples[name])]));
  return { medians, repeats };
}

/** The collision operator's set-up for a bench config (the default quadrature, as the step runs). */
export function collisionSetup(config: ResolvedConfig) {
  const [A, B] = config.species;
  return {
    species: [
      { mass: A.mass, diameter: A.diameter },
      { mass: B.mass, diameter: B.diameter },
    ] as const,
    gamma: config.collisions.gamma,
  };
}

/** The fluid cells and parameters of the remainder norms at t = 0 (as RemainderMonitor.measure). */
async function remainderInputs(
  setup: SimulationSetup,
  backend: StepBackend,
): Promise<{ cells: Float64Array; parameters: RemainderParameters }> {
  const monitor = new RemainderMonitor(setup, await backend.moments());
  const [A, B] = setup.config.species;
  return {
    cells: fluidCellParameters(setup.grid, monitor.fluidFields(), [A.mass, B.mass]),
    parameters: monitor.kernelParameters(0),
  };
}

async function wallTime(work: () => Promise<void> | void): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/** GPU time of recorded work: one batch size per part, fixed by the warm-up (its first call). */
function gpuPart(timer: GpuTimer, record: (encoder: GPUCommandEncoder) => void, batches: number[]): Part {
  let batch = 0;
  return async () => {
    if (batch === 0) {
      const once = await timer.time(record);
      batch = batchFor(once);
      batches.push(batch);
      return once;
    }
    return timer.time(record, batch);
  };
}

export async function measureGpuCase(
  device: GPUDevice,
  timer: GpuTimer,
  c: BenchCase,
  options: MeasureOptions,
): Promise<Measurement> {
  const setup = simulationSetup(benchConfig(c.nv, c.nx));
  const { config, grid } = setup;
  const { nx, length } = config.grid;
  const { dt } = config.time;
  const state = initialState(setup);
  const owned: { destroy(): void }[] = [];
  try {
    const backend = c.kind === 'step' ? await GpuBackend.create(device, setup, state) : null;
    if (backend) owned.push(backend);
    const collision = await CollisionStep.create(device, grid, nx, collisionSetup(config));
    owned.push(collision);
    collision.setTimeStep(dt, config.collisions.knudsen);
    const buffers = [
      createStorageBuffer(device, 'bench.state0', state),
      createStorageBuffer(device, 'bench.state1', state),
    ] as const;
    owned.push(...buffers);
    const batches: number[] = [];
    const parts: Partial<Record<PartName, Part>> = {
      collision: gpuPart(timer, (e) => collision.record(e, buffers[0]), batches),
    };
    if (backend) {
      const drained = async (work: () => Promise<void> | void) => {
        await device.queue.onSubmittedWorkDone();
        return wallTime(async () => {
          await work();
          backend.flush();
          await device.queue.onSubmittedWorkDone();
        });
      };
      const field = fieldFromMoments(setup, await backend.moments());
      const remainder = await remainderInputs(setup, backend);
      const transport = await Transport.create(device, grid, nx, length);
      owned.push(transport);
      transport.setAdvectXStep(dt / 2);
      transport.setField(field, setup.chargeToMass, dt / 2);
      // X V V X of one Strang step, ping-pong back to buffers[0]
      const freeFlow = (e: GPUCommandEncoder) => {
        transport.recordX(e, buffers[0], buffers[1]);
        transport.recordV(e, buffers[1], buffers[0]);
        transport.recordV(e, buffers[0], buffers[1]);
        transport.recordX(e, buffers[1], buffers[0]);
      };
      const shared = backendParts(setup, backend, remainder, drained);
      // assigned in the order the parts are interleaved within a repeat
      parts.step = shared.step;
      parts.transport = gpuPart(timer, freeFlow, batches);
      parts.poisson = shared.poisson;
      parts.remainder = shared.remainder;
    }
    const { medians, repeats } = await runParts(parts, options);
    const { operator } = collision;
    return {
      msPerStep: medians.step ?? null,
      msCollision: medians.collision!,
      msTransport: medians.transport ?? null,
      msPoisson: medians.poisson ?? null,
      msRemainder: medians.remainder ?? null,
      repeats,
      kernelBatch: Math.max(...batches),
      nRho: operator.tables.AA.radialNodes.length,
      sphereCount: operator.tables.AA.sphere.count,
      chunkCells: operator.chunkCells,
      radialBlock: radialBlockOf(operator.blockPasses),
      dispatchesPerOperator: operator.dispatchCount,
      planePass: operator.planePass,
      collisionErrorVsTwin: null, // the bench's check, once per N_v (verify.ts)
    };
  } finally {
    for (const o of owned.reverse()) o.destroy();
  }
}

/**
 * The parts both backends time the same way (the full step, the Poisson solve with one V pass, the
 * remainder sums), each through `time`: wall time on the CPU, drained queue on the GPU.
 */
function backendParts(
  setup: SimulationSetup,
  backend: StepBackend,
  remainder: Awaited<ReturnType<typeof remainderInputs>>,
  time: (work: () => Promise<void> | void) => Promise<number>,
): Record<'step' | 'poisson' | 'remainder', Part> {
  return {
    step: () => time(() => strangStep(setup, backend)),
    poisson: () =>
      time(() => {
        backend.solveField();
        backend.advectV();
      }),
    remainder: () =>
      time(async () => {
        await backend.remainderSums(remainder.cells, remainder.parameters);
      }),
  };
}

export async function measureCpuCase(c: BenchCase, options: MeasureOptions): Promise<Measurement> {
  const setup = simulationSetup(benchConfig(c.nv, c.nx));
  const backend = new CpuBackend(setup, initialState(setup));
  const parts: Partial<Record<PartName, Part>> = { collision: () => wallTime(() => backend.collide()) };
  if (c.kind === 'step') {
    backend.solveField(); // the transport part's V passes use the field of the initial state
    const remainder = await remainderInputs(setup, backend);
    const shared = backendParts(setup, backend, remainder, wallTime);
    parts.step = shared.step;
    parts.transport = () =>
      wallTime(() => {
        backend.advectX();
        backend.advectV();
        backend.advectV();
        backend.advectX();
      });
    parts.poisson = shared.poisson;
    parts.remainder = shared.remainder;
  }
  const { medians, repeats } = await runParts(parts, options);
  backend.destroy();
  const quadrature = caseQuadrature(c.nv);
  return {
    msPerStep: medians.step ?? null,
    msCollision: medians.collision!,
    msTransport: medians.transport ?? null,
    msPoisson: medians.poisson ?? null,
    msRemainder: medians.remainder ?? null,
    repeats,
    kernelBatch: 1,
    nRho: quadrature.nRho,
    sphereCount: quadrature.sphereCount,
    chunkCells: c.nx,
    radialBlock: null,
    dispatchesPerOperator: null,
    planePass: false,
    collisionErrorVsTwin: null,
  };
}

/** Nodes per block of the passes over the full rule (AB) and its half (AA), from the schedule. */
function radialBlockOf(passes: readonly BlockPass[]): { full: number; half: number } {
  const largest = (pair: BlockPass['pair']) =>
    Math.max(...passes.filter((p) => p.pair === pair).map((p) => p.radialCount));
  return { full: largest('AB'), half: largest('AA') };
}
