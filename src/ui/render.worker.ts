/**
 * The 3D views' worker: owns the WebGL contexts of the phase-space and velocity views (their
 * canvases were transferred here with transferControlToOffscreen), so no WebGL call runs on the
 * page's main thread (threeView.ts says why). The page sends the grid when a run starts, the
 * snapshot arrays as they arrive (transferred), the camera poses of its orbit controls and the
 * canvas sizes; it asks for PNGs. Exposed with comlink.
 */
import * as Comlink from 'comlink';
import { WORKER_READY } from '../workers/protocol';
import { type PhaseSpaceData, type PhaseSpaceMode, PhaseSpaceView } from './phaseSpaceView';
import type { CameraPose, ViewName } from './threeView';
import { type VelocityData, VelocityView } from './velocityView';

export interface RunGrid {
  readonly nx: number;
  readonly nv: number;
  readonly length: number;
  readonly vmax: number;
  readonly names: readonly [string, string];
}

export type ViewData = PhaseSpaceData & VelocityData;

let phaseSpace: PhaseSpaceView | null = null;
let velocity: VelocityView | null = null;
/** The last data drawn (a view option redraws it). */
let latest: ViewData | null = null;

function view(name: ViewName): PhaseSpaceView | VelocityView {
  const v = name === 'phase-space' ? phaseSpace : velocity;
  if (!v) throw new Error('the render worker has no canvases yet: call init first');
  return v;
}

const api = {
  init(canvases: { readonly phaseSpace: OffscreenCanvas; readonly velocity: OffscreenCanvas }): void {
    phaseSpace = new PhaseSpaceView(canvases.phaseSpace);
    velocity = new VelocityView(canvases.velocity);
  },

  resize(name: ViewName, width: number, height: number, pixelRatio: number): void {
    view(name).resize(width, height, pixelRatio);
  },

  camera(name: ViewName, pose: CameraPose): void {
    view(name).setCamera(pose);
  },

  /** A new run: meshes and point buffers sized for its grid (rebuilt only when the size changed). */
  setGrid(grid: RunGrid): void {
    phaseSpace?.setSpecies(grid.names);
    phaseSpace?.setGrid(grid.nx, grid.nv, grid.length, grid.vmax);
    velocity?.setSpecies(grid.names);
    velocity?.setGrid(grid.nv, grid.vmax);
  },

  /** New data for both views (arrays transferred by the page). */
  update(data: ViewData): void {
    latest = data;
    phaseSpace?.update(data);
    velocity?.update(data);
  },

  setPhaseSpaceMode(mode: PhaseSpaceMode): void {
    if (!phaseSpace) return;
    phaseSpace.mode = mode;
    if (latest) phaseSpace.update(latest);
  },

  setLevel(level: number): void {
    if (!velocity) return;
    velocity.level = level;
    if (latest) velocity.update(latest);
  },

  /** Resolves when both views have drawn everything sent so far. */
  async idle(): Promise<void> {
    await Promise.all([phaseSpace?.whenRendered(), velocity?.whenRendered()]);
  },

  png(name: ViewName): Promise<Blob> {
    return view(name).toPng();
  },
};

export type RenderWorkerApi = typeof api;
Comlink.expose(api);
// The page waits for this before its first call (a message sent earlier could be lost when the
// module is loaded late, e.g. through a wrapper script).
self.postMessage(WORKER_READY);
