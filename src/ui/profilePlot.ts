/**
 * Line plot of fields over x with Three.js (an orthographic camera over the unit square). All
 * series share one y range (they are given in the same units), returned for the axis labels.
 */
import * as THREE from 'three';

export interface Series {
  readonly label: string;
  readonly color: number;
  readonly values: ArrayLike<number>;
}

export class ProfilePlot {
  readonly renderer: THREE.WebGLRenderer;
  private readonly scene = new THREE.Scene();
  private readonly camera = new THREE.OrthographicCamera(-0.08, 1.04, 1.1, -0.1, -1, 1);
  private readonly curves = new THREE.Group();

  constructor(readonly canvas: HTMLCanvasElement) {
    // preserveDrawingBuffer: the picture stays readable for PNG export and tests
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
    this.scene.background = new THREE.Color(0xffffff);
    this.scene.add(this.frame(), this.curves);
  }

  /** Draws the series against x ∈ [x0, x1]; returns the shared y range [lo, hi] of the plot. */
  draw(x: ArrayLike<number>, series: readonly Series[]): [number, number] {
    this.curves.clear();
    const xs = Array.from(x);
    const x0 = Math.min(...xs);
    const x1 = Math.max(...xs);
    const all = series.flatMap((s) => Array.from(s.values));
    const lo = Math.min(...all);
    const hi = Math.max(...all);
    const span = hi - lo > 1e-12 * Math.max(1, Math.abs(hi)) ? hi - lo : 1;
    for (const s of series) {
      const ys = Array.from(s.values);
      const points = xs.map(
        (xi, i) => new THREE.Vector3((xi - x0) / (x1 - x0 || 1), 0.05 + (0.9 * (ys[i]! - lo)) / span, 0),
      );
      const line = new THREE.Line(
        new THREE.BufferGeometry().setFromPoints(points),
        new THREE.LineBasicMaterial({ color: s.color, linewidth: 2 }),
      );
      this.curves.add(line);
    }
    this.resize();
    return [lo, hi];
  }

  resize(): void {
    const { clientWidth, clientHeight } = this.canvas;
    if (clientWidth > 0 && clientHeight > 0) this.renderer.setSize(clientWidth, clientHeight, false);
    this.renderer.render(this.scene, this.camera);
  }

  private frame(): THREE.Object3D {
    const axes = new THREE.BufferGeometry().setFromPoints([
      new THREE.Vector3(0, 1, 0),
      new THREE.Vector3(0, 0, 0),
      new THREE.Vector3(1, 0, 0),
    ]);
    return new THREE.Line(axes, new THREE.LineBasicMaterial({ color: 0x444444 }));
  }
}
