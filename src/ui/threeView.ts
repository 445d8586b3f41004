/**
 * What the two Three.js views share, on the RENDER WORKER's side (render.worker.ts): a WebGL
 * renderer on an OffscreenCanvas, a perspective camera that the page's orbit controls steer
 * (viewClient.ts sends its position and target), rendering on demand (after new data, a camera move
 * or a resize, at most once per animation frame), and PNG capture.
 *
 * Why a worker: WebGL calls on the main thread wait for the GPU process, which is busy with the
 * simulation's WebGPU work; measured on SwiftShader, a render of these small scenes blocked the
 * page for 30–180 ms. In a worker the page's main thread never waits on the GPU.
 */
import * as THREE from 'three';

export type ViewName = 'phase-space' | 'velocity';

export interface CameraPose {
  readonly position: readonly [number, number, number];
  readonly target: readonly [number, number, number];
}

/** Next frame in a worker (requestAnimationFrame where the worker has it, else a short timeout). */
function nextFrame(callback: () => void): void {
  const scope = self as unknown as { requestAnimationFrame?: (cb: () => void) => number };
  if (typeof scope.requestAnimationFrame === 'function') scope.requestAnimationFrame(callback);
  else setTimeout(callback, 16);
}

export class ThreeView {
  readonly renderer: THREE.WebGLRenderer;
  readonly scene = new THREE.Scene();
  readonly camera = new THREE.PerspectiveCamera(40, 1, 0.05, 100);
  private readonly target = new THREE.Vector3();
  private frameRequested = false;
  private waiting: (() => void)[] = [];

  constructor(
    readonly canvas: OffscreenCanvas,
    /** The camera the view starts with (the page's orbit controls start from it too). */
    readonly home: CameraPose,
  ) {
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: true });
    this.scene.background = new THREE.Color(0xffffff);
    this.setCamera(home);
  }

  setCamera(pose: CameraPose): void {
    this.camera.position.set(...pose.position);
    this.target.set(...pose.target);
    this.camera.lookAt(this.target);
    this.requestRender();
  }

  /** The drawing buffer's size in CSS pixels and the device pixel ratio. */
  resize(width: number, height: number, pixelRatio: number): void {
    if (!(width > 0 && height > 0)) return;
    this.renderer.setPixelRatio(pixelRatio);
    this.renderer.setSize(width, height, false);
    this.camera.aspect = width / height;
    this.camera.updateProjectionMatrix();
    this.requestRender();
  }

  /** Renders once, on the next frame (several requests in one frame render once). */
  requestRender(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    nextFrame(() => {
      this.frameRequested = false;
      this.render();
      const waiting = this.waiting;
      this.waiting = [];
      for (const resolve of waiting) resolve();
    });
  }

  /** Resolves once the render requested so far has happened (at once when none is pending). */
  whenRendered(): Promise<void> {
    if (!this.frameRequested) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  render(): void {
    this.renderer.render(this.scene, this.camera);
  }

  /** The view as a PNG (rendered first, in the same task, so the picture is current). */
  toPng(): Promise<Blob> {
    this.render();
    return this.canvas.convertToBlob({ type: 'image/png' });
  }
}
