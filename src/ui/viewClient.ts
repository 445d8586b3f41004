/**
 * The page's side of the 3D views: the canvases are handed to the render worker
 * (render.worker.ts), and the page keeps only what needs the DOM: orbit controls on each canvas
 * (steering a local camera whose pose is sent to the worker), the canvas sizes, and the flow of
 * snapshots. A snapshot is sent when the worker has taken the previous one; meanwhile only the
 * newest waits, so a slow renderer never builds a queue.
 */
import * as Comlink from 'comlink';
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import type { SessionSnapshot } from '../workers/sessionApi';
import { PHASE_SPACE_HOME, type PhaseSpaceMode } from './phaseSpaceView';
import type { RenderWorkerApi, RunGrid, ViewData } from './render.worker';
import type { CameraPose, ViewName } from './threeView';
import { VELOCITY_HOME } from './velocityView';
import { whenReady } from './workerClient';

class OrbitProxy {
  private readonly camera = new THREE.PerspectiveCamera(40, 1, 0.05, 100);
  private readonly controls: OrbitControls;
  private frameRequested = false;

  constructor(
    readonly canvas: HTMLCanvasElement,
    readonly name: ViewName,
    home: CameraPose,
    private readonly remote: Comlink.Remote<RenderWorkerApi>,
  ) {
    this.camera.position.set(...home.position);
    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.target.set(...home.target);
    this.controls.update();
    this.controls.addEventListener('change', () => this.sendPose());
    new ResizeObserver(() => this.sendSize()).observe(canvas);
    this.sendSize();
  }

  /** At most one pose per animation frame. */
  private sendPose(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      const p = this.camera.position;
      const t = this.controls.target;
      void this.remote.camera(this.name, { position: [p.x, p.y, p.z], target: [t.x, t.y, t.z] });
    });
  }

  private sendSize(): void {
    const { clientWidth, clientHeight } = this.canvas;
    if (clientWidth === 0 || clientHeight === 0) return;
    this.camera.aspect = clientWidth / clientHeight;
    this.camera.updateProjectionMatrix();
    void this.remote.resize(this.name, clientWidth, clientHeight, Math.min(window.devicePixelRatio, 2));
  }
}

export class ViewClient {
  private pending: ViewData | null = null;
  private sending: Promise<void> | null = null;

  private constructor(
    private readonly remote: Comlink.Remote<RenderWorkerApi>,
    readonly proxies: readonly OrbitProxy[],
  ) {}

  static async start(phaseSpace: HTMLCanvasElement, velocity: HTMLCanvasElement): Promise<ViewClient> {
    const worker = await whenReady(
      new Worker(new URL('./render.worker.ts', import.meta.url), { type: 'module', name: 'render' }),
      'render',
    );
    const remote = Comlink.wrap<RenderWorkerApi>(worker);
    const offscreen = {
      phaseSpace: phaseSpace.transferControlToOffscreen(),
      velocity: velocity.transferControlToOffscreen(),
    };
    await remote.init(Comlink.transfer(offscreen, [offscreen.phaseSpace, offscreen.velocity]));
    return new ViewClient(remote, [
      new OrbitProxy(phaseSpace, 'phase-space', PHASE_SPACE_HOME, remote),
      new OrbitProxy(velocity, 'velocity', VELOCITY_HOME, remote),
    ]);
  }

  setGrid(grid: RunGrid): Promise<void> {
    return this.remote.setGrid(grid);
  }

  /** Hands the snapshot's view arrays (copies: the page keeps its own) to the worker. */
  show(s: SessionSnapshot): void {
    this.pending = {
      x: s.x.slice(),
      velocityCell: s.velocityCell,
      phaseSpace: [s.phaseSpace[0].slice(), s.phaseSpace[1].slice()],
      velocity: [s.velocity[0].slice(), s.velocity[1].slice()],
      velocityFluid: [s.velocityFluid[0].slice(), s.velocityFluid[1].slice()],
    };
    void this.flush();
  }

  /** Sends what is pending, one update at a time; resolves when nothing is left to send. */
  private flush(): Promise<void> {
    // drain() awaits before it ends whenever something is pending, so `sending` is reset only
    // after it was set
    if (!this.sending && this.pending) this.sending = this.drain();
    return this.sending ?? Promise.resolve();
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending) {
        const d = this.pending;
        this.pending = null;
        const buffers = [
          d.x.buffer,
          ...d.phaseSpace.map((a) => a.buffer),
          ...d.velocity.map((a) => a.buffer),
          ...d.velocityFluid.map((a) => a.buffer),
        ] as ArrayBuffer[];
        await this.remote.update(Comlink.transfer(d, buffers));
      }
    } finally {
      this.sending = null;
    }
  }

  /** Resolves when the views show the last snapshot handed over (tests, screenshots). */
  async idle(): Promise<void> {
    await this.flush();
    await this.remote.idle();
  }

  setPhaseSpaceMode(mode: PhaseSpaceMode): void {
    void this.remote.setPhaseSpaceMode(mode);
  }

  setLevel(level: number): void {
    void this.remote.setLevel(level);
  }

  png(name: ViewName): Promise<Blob> {
    return this.remote.png(name);
  }
}
