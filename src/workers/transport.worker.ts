/**
 * The transport-coefficient worker (issue 17): η, λ, D_AB, k_T of the running set-up from the float64
 * 𝓛⁻¹ (src/physics/collision/transportCoefficients.ts), apart from the simulation worker so that a
 * solve of a minute never delays a step, and so that the page can stop a stale solve by terminating
 * this worker (a float64 solve cannot be interrupted from outside).
 */
import * as Comlink from 'comlink';
import {
  type TransportCoefficients,
  type TransportState,
  transportCoefficients,
  transportGrid,
} from '../physics/collision/transportCoefficients';
import { WORKER_READY } from './protocol';

const api = {
  /** The coefficients on the N_v-point grid; `onStage` hears of each of the three solves. */
  compute(
    state: TransportState,
    nv: 16 | 32,
    onStage?: (stage: 'shear' | 'heat' | 'diffusion') => void,
  ): TransportCoefficients {
    return transportCoefficients(state, transportGrid(state, nv), undefined, {
      onProgress: (stage) => onStage?.(stage),
    });
  },
};
export type TransportWorkerApi = typeof api;

Comlink.expose(api);
self.postMessage(WORKER_READY);
