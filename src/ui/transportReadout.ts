/**
 * The page's "Transport" readout (issue 17): η, λ, D_AB and k_T of the running set-up, from the
 * float64 𝓛⁻¹ in a worker of their own (src/workers/transport.worker.ts), first on the quick grid
 * (N_v = 16) and then on the accurate one (N_v = 32), each labelled with what it is accurate to
 * (measured against exact kinetic theory: transportCoefficients.test.ts, README). A new set-up that
 * changes the background state terminates a solve still running; one that does not keeps it.
 */
import * as Comlink from 'comlink';
import {
  type TransportCoefficients,
  type TransportState,
  transportStateOf,
} from '../physics/collision/transportCoefficients';
import type { SimulationConfig } from '../physics/config';
import type { TransportWorkerApi } from '../workers/transport.worker';
import { whenReady } from './workerClient';

/** What each grid's coefficients are accurate to, as measured (README, issue 17). */
export const TRANSPORT_ACCURACY: Readonly<Record<16 | 32, string>> = {
  16: 'quick estimate on N_v = 16: 1 % (one gas) to 10 % (m_B = 2m_A) off exact theory in the tested cases; N_v = 32 follows',
  32: 'N_v = 32: within 0.1 % of exact theory in the tested cases (Maxwell molecules, hard spheres)',
};

export interface TransportText {
  readonly viscosity: string;
  readonly conductivity: string;
  readonly diffusion: string;
  readonly thermalDiffusion: string;
  readonly status: string;
}

const number = (x: number) => (Number.isFinite(x) ? x.toPrecision(4) : 'not finite');

/** The readout's text for a result on the N_v-point grid. */
export function describeTransport(result: TransportCoefficients, nv: 16 | 32): TransportText {
  return {
    viscosity: number(result.viscosity),
    conductivity: number(result.thermalConductivity),
    diffusion: number(result.diffusion),
    thermalDiffusion: number(result.thermalDiffusionRatio),
    status:
      `${TRANSPORT_ACCURACY[nv]} (simulator units, ε = ${result.knudsen} included; GMRES residual ${result.residual.toExponential(1)}; ` +
      `Onsager check ${(100 * result.onsagerDefect).toPrecision(2)} %)` +
      (result.onsagerDefect > 0.05 ? ' — not converged on this grid: read these as rough estimates' : ''),
  };
}

/** The state's identity: a set-up with the same key has the same coefficients. */
export function transportKey(state: TransportState | null): string {
  return state === null ? 'collisions off' : JSON.stringify(state);
}

const BLANK = { viscosity: '—', conductivity: '—', diffusion: '—', thermalDiffusion: '—' };

export class TransportReadout {
  private key: string | null = null;
  private generation = 0;
  private worker: Worker | null = null;
  private latest: { readonly key: string; readonly result: TransportCoefficients } | null = null;

  /** `show` draws the text; `computed` hears of every new result (quick, then accurate). */
  constructor(
    private readonly show: (text: TransportText) => void,
    private readonly computed: () => void = () => {},
  ) {}

  /** The latest coefficients if they belong to this config's background state, else null. */
  coefficientsFor(config: SimulationConfig): TransportCoefficients | null {
    const latest = this.latest;
    return latest !== null && latest.key === transportKey(transportStateOf(config)) ? latest.result : null;
  }

  /** Recompute if the background state of `config` differs from the one shown. */
  update(config: SimulationConfig): void {
    const state = transportStateOf(config);
    const key = transportKey(state);
    if (key === this.key) return;
    this.key = key;
    this.generation++;
    this.worker?.terminate();
    this.worker = null;
    if (state === null) {
      this.show({ ...BLANK, status: 'collisions are off: no transport coefficients' });
      return;
    }
    void this.compute(state, this.generation);
  }

  private async compute(state: TransportState, generation: number): Promise<void> {
    const current = () => generation === this.generation;
    let shown: TransportText = { ...BLANK, status: 'computing on N_v = 16 (a few seconds)…' };
    this.show(shown);
    try {
      const worker = await whenReady(
        new Worker(new URL('../workers/transport.worker.ts', import.meta.url), {
          type: 'module',
          name: 'transport',
        }),
        'transport',
      );
      if (!current()) {
        worker.terminate();
        return;
      }
      this.worker = worker;
      const remote = Comlink.wrap<TransportWorkerApi>(worker);
      for (const nv of [16, 32] as const) {
        const started = performance.now();
        const onStage = Comlink.proxy((stage: string) => {
          if (!current()) return;
          const seconds = ((performance.now() - started) / 1000).toFixed(0);
          this.show({
            ...shown,
            status: `${shown.status.split(' — ')[0]} — N_v = ${nv}: ${stage} solve (${seconds} s)`,
          });
        });
        const result = await remote.compute(state, nv, onStage);
        if (!current()) return;
        shown = describeTransport(result, nv);
        this.show(shown);
        this.latest = { key: transportKey(state), result };
        this.computed();
      }
      worker.terminate();
      if (this.worker === worker) this.worker = null;
    } catch (e) {
      if (current())
        this.show({ ...shown, status: `not computed: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  dispose(): void {
    this.generation++;
    this.worker?.terminate();
    this.worker = null;
  }
}
