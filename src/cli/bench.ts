/**
 * `npm run bench -- [--quick] [--out file.json] [--linearized-out file.json] [--max-case-seconds 120] [--repeats n]`:
 * the full VPB step and its parts (collision step, transport, Poisson round trip, remainder norms)
 * on the adapter Dawn finds (a real GPU, or SwiftShader on the CPU) and on the float64 CPU backend
 * for small cases, with the collision step's counted GFLOP/s and GB/s against the adapter's
 * measured roofline. One record per case (src/bench/record.ts) to --out or stdout; progress and a
 * human summary on stderr. A case whose projected time exceeds --max-case-seconds is skipped (or,
 * for a full step, reduced to the collision step alone) with a line saying so; nothing is
 * extrapolated into the records. Before anything is timed, the GPU collision operator is checked
 * against its float64 twin at every N_v of the cases (src/bench/verify.ts); a disagreement stops
 * the run (exit 1). Then the L⁻¹ cases (src/bench/linearizedInverse.ts: one batched solve against
 * one batched 𝓛 application, N_v = 16 and 32 at n_x = 16; N_v = 8, n_x = 4 with --quick), their
 * records to --linearized-out. Absolute times mean something only on a real GPU.
 * Exit status: 0 done, 1 failure, 2 invalid option, 3 no WebGPU adapter.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import {
  BENCH_GAMMA,
  BENCH_MASS_RATIO,
  type BenchCase,
  benchCases,
  benchConfig,
  CostModel,
  caseName,
  fitCase,
} from '../bench/cases';
import { GpuTimer } from '../bench/gpuTimer';
import { type LinearizedInverseRecord, measureLinearizedInverse } from '../bench/linearizedInverse';
import { measureCpuCase, measureGpuCase } from '../bench/measure';
import { provenance } from '../bench/provenance';
import {
  assertValidRecord,
  type BenchRecord,
  buildRecord,
  type RunContext,
  recordLine,
  scalingLines,
} from '../bench/record';
import { measureRoofline } from '../bench/roofline';
import { formatDuration, formatMs } from '../bench/stats';
import { AGREEMENT_BOUND, agrees, type CollisionAgreement, verifyCollisionOperator } from '../bench/verify';
import { describeAdapter, WebGpuUnavailableError } from '../gpu/context';
import { acquireNodeGpu } from '../gpu/node';
import { exchangeRateAccuracy, exchangeRateError } from '../physics/collision/gridAccuracy';

interface Options {
  quick?: boolean;
  out?: string;
  linearizedOut?: string;
  maxCaseSeconds: number;
  repeats?: number;
}

function positiveNumber(field: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
      throw new InvalidArgumentError(`${field} must be a number > 0, got "${value}"`);
    return n;
  };
}

function positiveInteger(field: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new InvalidArgumentError(`${field} must be an integer ≥ 1, got "${value}"`);
    return n;
  };
}

const log = (line: string) => console.error(line);

async function bench(options: Options): Promise<void> {
  const quick = Boolean(options.quick);
  const started = performance.now();
  const { device, report } = await acquireNodeGpu();
  const adapter = describeAdapter(report);
  log(`adapter: ${adapter}`);
  const timer = new GpuTimer(device);
  log(
    `GPU kernel timing: ${timer.method}${timer.method === 'timestamp-query' ? '' : ' (the device has no timestamp-query)'}`,
  );
  const roofline = await measureRoofline(device, timer);
  log(
    `roofline: ${roofline.peakGflops.toPrecision(3)} GFLOP/s FMA, ${roofline.bandwidthGBs.toPrecision(3)} GB/s copy`,
  );
  const { commit, worktreeDirty } = provenance();
  const date = new Date().toISOString();
  const cpu = cpus()[0]?.model.trim() || 'unknown CPU';
  const contexts: Record<BenchCase['backend'], RunContext> = {
    webgpu: {
      adapter,
      software: report.isSoftware,
      roofline,
      timing: timer.method,
      date,
      commit,
      worktreeDirty,
    },
    cpu: {
      adapter: `float64 CPU backend, Node ${process.version}, one thread of ${cpu}`,
      software: true,
      roofline: null,
      timing: 'wall-clock',
      date,
      commit,
      worktreeDirty,
    },
  };

  const model = new CostModel(roofline.peakGflops);
  const cases = benchCases(quick);
  // nothing is timed before the kernels agree with their float64 twin on this adapter (verify.ts)
  const agreements = new Map<number, CollisionAgreement>();
  for (const nv of new Set(cases.filter((c) => c.backend === 'webgpu').map((c) => c.nv))) {
    const checkStart = performance.now();
    const a = await verifyCollisionOperator(device, benchConfig(nv, 1), nv >= 32 ? 1 : 2);
    const line =
      `collision operator against its float64 twin, N_v = ${nv} (${a.cells} random cell${a.cells === 1 ? '' : 's'}, ` +
      `${a.planePass ? 'plane pass' : 'i3 and i2 in two passes'}): largest error Q ${a.q.toExponential(1)}, ` +
      `ν ${a.nu.toExponential(1)} (bound ${AGREEMENT_BOUND})`;
    if (!agrees(a)) throw new Error(`${line}: the GPU kernels disagree on this adapter; nothing timed`);
    log(`${line}; took ${formatDuration(performance.now() - checkStart)}`);
    agreements.set(nv, a);
  }
  const repeats = options.repeats ?? (quick ? 3 : 5);
  const budgetMs = options.maxCaseSeconds * 1000;
  const total = cases.reduce((sum, c) => sum + (fitCase(model, c, repeats, budgetMs)?.projectedMs ?? 0), 0);
  log(
    `${cases.length} cases, ${repeats} repeats after one warm-up, at most ${options.maxCaseSeconds} s each; ` +
      `projected before any measurement: ${formatDuration(total)} (refined as cases run)`,
  );

  const records: BenchRecord[] = [];
  const skipped: string[] = [];
  for (const [i, planned] of cases.entries()) {
    const prefix = `[${i + 1}/${cases.length}]`;
    const fit = fitCase(model, planned, repeats, budgetMs);
    if (!fit) {
      const line = `${caseName(planned)}: projected ${formatDuration(2 * model.perRepeatMs(planned))} for a warm-up and one repeat, over the ${options.maxCaseSeconds} s budget`;
      log(`${prefix} skipped ${line}`);
      skipped.push(line);
      continue;
    }
    const { c } = fit;
    const name = caseName(c);
    const fallback =
      c.kind === planned.kind
        ? ''
        : ` (the full step, projected ${formatDuration(2 * model.perRepeatMs(planned))} for a warm-up and one repeat, does not fit: the collision step alone)`;
    log(`${prefix} ${name}: projected ${formatDuration(fit.projectedMs)} plus set-up${fallback}`);
    const caseStart = performance.now();
    const measureOptions = { repeats, budgetMs, log };
    const m =
      c.backend === 'webgpu'
        ? {
            ...(await measureGpuCase(device, timer, c, measureOptions)),
            collisionErrorVsTwin: agreements.get(c.nv)!.q,
          }
        : await measureCpuCase(c, measureOptions);
    const record = assertValidRecord(
      buildRecord(name, c, m, contexts[c.backend], {
        massRatio: BENCH_MASS_RATIO,
        gamma: BENCH_GAMMA,
        exchangeRateError: benchExchangeRateError(c.nv, c.nx),
      }),
    );
    records.push(record);
    model.observe(c.backend, record.gflops);
    log(`  ${recordLine(record)}; took ${formatDuration(performance.now() - caseStart)}`);
  }

  // L⁻¹ (issue 17): one batched solve for all cells against one batched 𝓛 application
  const linearized: (LinearizedInverseRecord & { adapter: string; date: string; commit: string })[] = [];
  const linearizedCases: [number, number][] = quick
    ? [[8, 4]]
    : [
        [16, 16],
        [32, 16],
      ];
  for (const [nv, nx] of linearizedCases) {
    const caseStart = performance.now();
    const r = await measureLinearizedInverse(device, nv, nx, budgetMs);
    if ('skipped' in r) {
      const line = `${r.skipped}: projected ${formatDuration(r.projectedMs)}, over the ${options.maxCaseSeconds} s budget`;
      log(`skipped ${line}`);
      skipped.push(line);
      continue;
    }
    linearized.push({ ...r, adapter, date, commit });
    log(
      `${r.case}: ${r.gmres_steps} GMRES steps, ${formatMs(r.ms_per_solve)} ms per solve (${formatMs(r.ms_per_cell)} ms/cell), ` +
        `${r.solve_in_applications.toFixed(1)} 𝓛 applications' worth, residual ${r.residual.toExponential(1)}; ` +
        `took ${formatDuration(performance.now() - caseStart)}`,
    );
  }

  log('');
  log(`summary (${adapter}; commit ${commit}${worktreeDirty ? ', uncommitted changes' : ''}):`);
  for (const r of records) {
    const flops = r.fraction_of_peak_flops;
    const bandwidth = r.fraction_of_peak_bandwidth;
    const roof =
      flops === null || bandwidth === null
        ? 'no roofline (CPU backend)'
        : `${(100 * flops).toFixed(1)}% of FMA peak, ${(100 * bandwidth).toFixed(1)}% of copy bandwidth`;
    const step = r.ms_per_step === null ? '' : `${formatMs(r.ms_per_step)} ms/step, `;
    log(`  ${r.case}: ${step}collision step ${formatMs(r.ms_collision_per_cell)} ms/cell, ${roof}`);
  }
  for (const line of scalingLines(records)) log(`  ${line}`);
  for (const line of skipped) log(`  skipped ${line}`);
  log(`total ${formatDuration(performance.now() - started)}`);

  const json = `${JSON.stringify(records, null, 2)}\n`;
  if (options.out) {
    writeFileSync(options.out, json);
    log(`${records.length} records written to ${options.out}`);
  } else {
    process.stdout.write(json);
  }
  if (options.linearizedOut) {
    writeFileSync(options.linearizedOut, `${JSON.stringify(linearized, null, 2)}\n`);
    log(`${linearized.length} L⁻¹ records written to ${options.linearizedOut}`);
  }
  timer.destroy();
  device.destroy();
}

const program = new Command('bench')
  .description(
    'benchmark the VPB step and its parts (collision, transport, Poisson, remainder) against the adapter roofline',
  )
  .option('--quick', 'the small cases only (under 2 minutes on a 2-core CPU adapter)')
  .option('--out <file>', 'write the JSON records here (default: stdout)')
  .option(
    '--linearized-out <file>',
    'write the L⁻¹ records (one batched solve for all cells against one 𝓛 application) here; always logged',
  )
  .option(
    '--max-case-seconds <seconds>',
    'skip a case whose projected time exceeds this',
    positiveNumber('--max-case-seconds'),
    120,
  )
  .option(
    '--repeats <n>',
    'timed repeats per case after one warm-up (default 3 with --quick, else 5)',
    positiveInteger('--repeats'),
  )
  .showHelpAfterError()
  .exitOverride()
  .action(bench);

program.parseAsync(process.argv).catch((e: unknown) => {
  // commander has printed its message already (an unknown or invalid option, or --help)
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(e instanceof WebGpuUnavailableError ? 3 : 1);
});

/** The bench case's operator against the exact exchange rates (null above N_v = 32). */
function benchExchangeRateError(nv: number, nx: number): number | null {
  const config = benchConfig(nv, nx);
  const measured = exchangeRateAccuracy(config, config.grid.vmax);
  return measured ? exchangeRateError(measured) : null;
}
