/**
 * `npm run bench -- [--quick] [--out file.json]`: timings of the collision operator on the adapter
 * Dawn finds (a real GPU, or SwiftShader on the CPU), with its counted GFLOP/s and GB/s against
 * the adapter's measured roofline. Absolute times mean something only on a real GPU; on
 * SwiftShader read the ratios (cost per doubling of N_v). Records go to stdout (JSON) or --out.
 */
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { collisionWork } from '../bench/collisionCost';
import { measureRoofline, timeSubmissions } from '../bench/roofline';
import {
  fieldFromMoments,
  GpuBackend,
  initialState,
  simulationSetup,
  strangStep,
} from '../engine/simulation';
import { createStorageBuffer } from '../gpu/buffers';
import { CollisionOperator } from '../gpu/CollisionOperator';
import { describeAdapter } from '../gpu/context';
import { acquireNodeGpu } from '../gpu/node';
import { defaultSpectralQuadrature } from '../physics/collision/spectral';
import { maxwellianOnGrid } from '../physics/maxwellian';
import { velocityGrid } from '../physics/velocityGrid';

interface BenchRecord {
  case: string;
  backend: 'webgpu' | 'cpu';
  adapter: string;
  software: boolean;
  nx: number;
  nv: number;
  n_rho: number;
  sphere_points: number;
  ms_collision: number;
  ms_per_cell: number;
  gflops: number;
  gbs: number;
  fraction_of_peak_flops: number;
  peak_gflops: number;
  peak_gbs: number;
}

interface StepRecord {
  case: string;
  backend: 'webgpu';
  adapter: string;
  nx: number;
  nv: number;
  ms_per_step: number;
  ms_poisson: number;
  ms_transport: number;
  ms_collision: number;
}

/** Wall time of `body` repeated `n` times, ending with the queue drained, per repetition. */
async function perRepeat(device: GPUDevice, n: number, body: () => Promise<void> | void, flush: () => void) {
  const start = performance.now();
  for (let i = 0; i < n; i++) await body();
  flush();
  await device.queue.onSubmittedWorkDone();
  return (performance.now() - start) / n;
}

async function benchVpbStep(
  device: GPUDevice,
  adapter: string,
  nx: number,
  nv: number,
  steps: number,
): Promise<StepRecord> {
  const species = (name: string, charge: number) => ({
    name,
    mass: 1,
    charge,
    diameter: 1,
    density: 1,
    temperature: 1,
    drift: [0, 0, 0] as const,
  });
  const setup = simulationSetup({
    species: [species('e', -1), species('n', 0)],
    collisions: { enabled: false, gamma: 0, knudsen: 1 },
    field: { enabled: true },
    grid: { nx, length: 4 * Math.PI, nv, vmax: 5 },
    perturbation: { kind: 'density', amplitude: 0.01, mode: 1 },
    time: { dt: 0.05, tEnd: 1, outputEvery: 1 },
  });
  const backend = await GpuBackend.create(device, setup, initialState(setup));
  const flush = () => backend.flush();
  await perRepeat(device, 2, () => strangStep(setup, backend), flush); // warm-up
  const step = await perRepeat(device, steps, () => strangStep(setup, backend), flush);
  const poisson = await perRepeat(
    device,
    steps,
    async () => {
      backend.advectV(fieldFromMoments(setup, await backend.moments()));
    },
    flush,
  );
  const transport = await perRepeat(
    device,
    steps,
    () => {
      backend.advectX();
      backend.advectX();
    },
    flush,
  );
  backend.destroy();
  return {
    case: `vpb step collisionless nv=${nv} nx=${nx}`,
    backend: 'webgpu',
    adapter,
    nx,
    nv,
    ms_per_step: step,
    ms_poisson: poisson,
    ms_transport: transport,
    ms_collision: 0,
  };
}

interface Options {
  quick?: boolean;
  out?: string;
}

const program = new Command('bench')
  .description('benchmark the WGSL kernels (collision operator) against the adapter roofline')
  .option('--quick', 'small cases only (minutes on a 2-core CPU adapter)')
  .option('--out <file>', 'write the JSON records here');

program.action(async (options: Options) => {
  const quick = Boolean(options.quick);
  const { device, report } = await acquireNodeGpu();
  const adapter = describeAdapter(report);
  console.error(`adapter: ${adapter}`);
  const roofline = await measureRoofline(device, quick);
  console.error(
    `roofline: ${roofline.peakGflops.toFixed(1)} GFLOP/s FMA, ${roofline.bandwidthGBs.toFixed(1)} GB/s copy`,
  );
  const cases = quick
    ? [
        { nv: 8, nx: 1 },
        { nv: 16, nx: 1 },
      ]
    : [
        { nv: 8, nx: 1 },
        { nv: 16, nx: 1 },
        { nv: 32, nx: 1 },
        { nv: 16, nx: 16 },
      ];
  const records: BenchRecord[] = [];
  for (const { nv, nx } of cases) {
    const grid = velocityGrid(nv, 6);
    const quadrature = defaultSpectralQuadrature(grid);
    const species = [
      { mass: 1, diameter: 1 },
      { mass: 2, diameter: 1 },
    ] as const;
    const operator = await CollisionOperator.create(device, grid, nx, { species, gamma: 0, quadrature });
    const state = new Float32Array(2 * nx * grid.pointsPerCell);
    for (let c = 0; c < 2 * nx; c++) {
      const mass = c < nx ? 1 : 2;
      state.set(
        maxwellianOnGrid(grid, { density: 1, mass, temperature: 1, drift: [0.1, 0, 0] }),
        c * grid.pointsPerCell,
      );
    }
    const input = createStorageBuffer(device, 'bench.state', state);
    const ms = await timeSubmissions(device, (e) => operator.record(e, input), quick ? 2 : 5);
    const work = collisionWork(nv, nx, quadrature.nRho, quadrature.nTheta * quadrature.nPhi);
    const gflops = work.flops / (ms * 1e6);
    const record: BenchRecord = {
      case: `collision nv=${nv} nx=${nx}`,
      backend: 'webgpu',
      adapter,
      software: report.isSoftware,
      nx,
      nv,
      n_rho: quadrature.nRho,
      sphere_points: quadrature.nTheta * quadrature.nPhi,
      ms_collision: ms,
      ms_per_cell: ms / nx,
      gflops,
      gbs: work.bytes / (ms * 1e6),
      fraction_of_peak_flops: gflops / roofline.peakGflops,
      peak_gflops: roofline.peakGflops,
      peak_gbs: roofline.bandwidthGBs,
    };
    console.error(
      `${record.case}: ${ms.toFixed(1)} ms, ${gflops.toFixed(2)} GFLOP/s (${(100 * record.fraction_of_peak_flops).toFixed(1)}% of FMA peak), ${record.gbs.toFixed(2)} GB/s`,
    );
    records.push(record);
    input.destroy();
    operator.destroy();
  }
  // The VPB step (collisionless, field on) and its parts: the moments → CPU Poisson → field upload
  // round trip that every step makes, and the transport kernels alone.
  const stepRecords: StepRecord[] = [];
  for (const nx of quick ? [16] : [16, 64]) {
    stepRecords.push(await benchVpbStep(device, adapter, nx, 16, quick ? 5 : 20));
    const r = stepRecords.at(-1)!;
    console.error(
      `${r.case}: ${r.ms_per_step.toFixed(1)} ms/step, of which Poisson round trip ${r.ms_poisson.toFixed(1)} ms, transport ${r.ms_transport.toFixed(1)} ms`,
    );
  }
  const perCell = (nv: number) => records.find((r) => r.nv === nv && r.nx === 1)?.ms_per_cell;
  for (const [a, b] of [
    [8, 16],
    [16, 32],
  ] as const) {
    const ta = perCell(a);
    const tb = perCell(b);
    if (ta && tb)
      console.error(`time per cell N_v=${b} / N_v=${a}: ${(tb / ta).toFixed(1)}x (N⁶ would be 64x)`);
  }
  const json = JSON.stringify([...records, ...stepRecords], null, 2);
  if (options.out) writeFileSync(options.out, `${json}\n`);
  else console.log(json);
  device.destroy();
});

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
