/**
 * Phase space: f^α(x, v1) = ∫∫ F^α dv2 dv3 of each species as a heat-mapped surface over (x, v1),
 * A on the left (viridis), B on the right (inferno), with orbit controls. Heights and colours are
 * f / max f of the species at that moment (the max is printed), or, in "δf" mode, the deviation
 * from the x-average, f − ⟨f⟩_x, over its largest magnitude: that shows the wave itself.
 *
 * The meshes are built when the grid changes (configure) and only their attributes are rewritten
 * per snapshot: no geometry is allocated while the run plays.
 */
import * as THREE from 'three';
import { type ColorMap, colorAt, INFERNO, VIRIDIS } from './colormap';
import { TextLabel, wireBox } from './sceneLabels';
import { type CameraPose, ThreeView } from './threeView';

const WIDTH = 2; // v1 extent of one panel (world units)
const DEPTH = 2; // x extent
const HEIGHT = 0.7; // f / max
const GAP = 0.4;

export type PhaseSpaceMode = 'f' | 'deviation';

/** The camera the view opens with (above and in front, both panels in sight). */
export const PHASE_SPACE_HOME: CameraPose = { position: [0.3, 3.5, 4.9], target: [0, 0.3, -0.1] };

/** What the view draws: f^α(x, v1) per species, [cell][j1]. */
export interface PhaseSpaceData {
  readonly phaseSpace: readonly [Float32Array, Float32Array];
}

interface Panel {
  readonly group: THREE.Group;
  readonly map: ColorMap;
  readonly title: TextLabel;
  readonly scale: TextLabel;
  readonly xMax: TextLabel;
  readonly vMin: TextLabel;
  readonly vMax: TextLabel;
  surface?: THREE.Mesh;
  grid?: THREE.LineSegments;
  positions?: THREE.BufferAttribute;
  colors?: THREE.BufferAttribute;
}

export class PhaseSpaceView extends ThreeView {
  private readonly panels: readonly [Panel, Panel];
  private nx = 0;
  private nv = 0;
  private columns = 0;
  mode: PhaseSpaceMode = 'f';
  private mean = new Float64Array(0);

  constructor(canvas: OffscreenCanvas) {
    super(canvas, PHASE_SPACE_HOME);
    this.panels = [this.makePanel(-(WIDTH + GAP) / 2, VIRIDIS), this.makePanel((WIDTH + GAP) / 2, INFERNO)];
  }

  /** Species names for the titles (after a configure). */
  setSpecies(names: readonly [string, string]): void {
    this.panels.forEach((p, i) => {
      p.title.setText(`f^${i === 0 ? 'A' : 'B'}(x, v₁): ${names[i]}`);
    });
  }

  /** Builds the surfaces for an nx × nv grid (only when the size changed). */
  setGrid(nx: number, nv: number, length: number, vmax: number): void {
    for (const p of this.panels) {
      p.xMax.setText(`x = ℓ = ${length.toPrecision(4)}`);
      p.vMin.setText(`v₁ = −${vmax.toPrecision(3)}`);
      p.vMax.setText(`v₁ = ${vmax.toPrecision(3)}`);
    }
    if (nx === this.nx && nv === this.nv) return;
    this.nx = nx;
    this.nv = nv;
    // A homogeneous run (nx = 1) is drawn as a strip two vertices wide.
    this.columns = Math.max(nx, 2);
    const count = this.columns * nv;
    const triangles: number[] = [];
    const edges: number[] = [];
    const at = (i: number, j: number) => i * nv + j;
    for (let i = 0; i < this.columns; i++) {
      for (let j = 0; j < nv; j++) {
        if (i + 1 < this.columns && j + 1 < nv) {
          triangles.push(at(i, j), at(i + 1, j), at(i + 1, j + 1), at(i, j), at(i + 1, j + 1), at(i, j + 1));
        }
        if (i + 1 < this.columns) edges.push(at(i, j), at(i + 1, j));
        if (j + 1 < nv) edges.push(at(i, j), at(i, j + 1));
      }
    }
    for (const p of this.panels) {
      if (p.surface) {
        p.group.remove(p.surface, p.grid!);
        p.surface.geometry.dispose();
        p.grid!.geometry.dispose();
      }
      const positions = new THREE.BufferAttribute(new Float32Array(3 * count), 3);
      const colors = new THREE.BufferAttribute(new Float32Array(3 * count), 3);
      positions.setUsage(THREE.DynamicDrawUsage);
      colors.setUsage(THREE.DynamicDrawUsage);
      for (let i = 0; i < this.columns; i++) {
        for (let j = 0; j < nv; j++) {
          const k = at(i, j);
          positions.setXYZ(k, ((j + 0.5) / nv - 0.5) * WIDTH, 0, (0.5 - i / (this.columns - 1)) * DEPTH);
        }
      }
      const surfaceGeometry = new THREE.BufferGeometry();
      surfaceGeometry.setAttribute('position', positions);
      surfaceGeometry.setAttribute('color', colors);
      surfaceGeometry.setIndex(triangles);
      const gridGeometry = new THREE.BufferGeometry();
      gridGeometry.setAttribute('position', positions); // shared: one update moves both
      gridGeometry.setIndex(edges);
      p.surface = new THREE.Mesh(
        surfaceGeometry,
        new THREE.MeshBasicMaterial({ vertexColors: true, side: THREE.DoubleSide }),
      );
      p.grid = new THREE.LineSegments(
        gridGeometry,
        new THREE.LineBasicMaterial({ color: 0x20262d, transparent: true, opacity: 0.25 }),
      );
      p.positions = positions;
      p.colors = colors;
      p.group.add(p.surface, p.grid);
    }
    this.mean = new Float64Array(nv);
    // no render here: the new surfaces are flat and black until the run's first snapshot arrives
  }

  update(snapshot: PhaseSpaceData): void {
    const { nx, nv, columns } = this;
    if (nx === 0) return;
    this.panels.forEach((p, s) => {
      const f = snapshot.phaseSpace[s]!;
      const positions = p.positions!.array as Float32Array;
      const colors = p.colors!.array as Float32Array;
      let scale = 0;
      if (this.mode === 'deviation') {
        this.mean.fill(0, 0, nv);
        for (let i = 0; i < nx; i++) for (let j = 0; j < nv; j++) this.mean[j]! += f[i * nv + j]! / nx;
        for (let k = 0; k < nx * nv; k++) scale = Math.max(scale, Math.abs(f[k]! - this.mean[k % nv]!));
      } else {
        for (let k = 0; k < nx * nv; k++) scale = Math.max(scale, f[k]!);
      }
      const inverse = scale > 0 ? 1 / scale : 0;
      for (let i = 0; i < columns; i++) {
        const cell = Math.min(i, nx - 1);
        for (let j = 0; j < nv; j++) {
          const value = f[cell * nv + j]!;
          const k = i * nv + j;
          const u =
            this.mode === 'deviation' ? 0.5 + 0.5 * (value - this.mean[j]!) * inverse : value * inverse;
          positions[3 * k + 1] = this.mode === 'deviation' ? (u - 0.5) * HEIGHT : u * HEIGHT;
          colorAt(p.map, u, colors, 3 * k);
        }
      }
      p.positions!.needsUpdate = true;
      p.colors!.needsUpdate = true;
      p.surface!.geometry.computeBoundingSphere();
      p.scale.setText(
        this.mode === 'deviation'
          ? `height: (f − ⟨f⟩ₓ)/${scale.toExponential(2)}`
          : `height: f / ${scale.toExponential(2)}`,
      );
    });
    this.requestRender();
  }

  private makePanel(centre: number, map: ColorMap): Panel {
    // v1 runs left to right (the Maxwellian's profile faces the camera), x runs into the picture
    const group = new THREE.Group();
    group.position.x = centre;
    group.add(
      wireBox(new THREE.Vector3(-WIDTH / 2, 0, -DEPTH / 2), new THREE.Vector3(WIDTH / 2, HEIGHT, DEPTH / 2)),
    );
    const front = DEPTH / 2;
    const title = new TextLabel('', 0.2).at(0, HEIGHT + 0.5, -front);
    const scale = new TextLabel('', 0.13).at(0, HEIGHT + 0.27, -front);
    const vAxis = new TextLabel('v₁ (dimensionless)', 0.15).at(0, -0.05, front + 0.42);
    const vMin = new TextLabel('', 0.12).at(-WIDTH / 2 + 0.15, -0.05, front + 0.2);
    const vMax = new TextLabel('', 0.12).at(WIDTH / 2 - 0.15, -0.05, front + 0.2);
    // the x labels on the outer side of each panel, clear of the other one
    const side = Math.sign(centre) || 1;
    const xAxis = new TextLabel('x (dimensionless)', 0.14).at(side * (WIDTH / 2 + 0.35), -0.05, 0);
    const xMin = new TextLabel('x = 0', 0.12).at(side * (WIDTH / 2 + 0.3), -0.05, front);
    const xMax = new TextLabel('', 0.12).at(side * (WIDTH / 2 + 0.35), -0.05, -front);
    const fAxis = new TextLabel('f = ∫∫F dv₂dv₃ (dimensionless)', 0.12).at(-WIDTH / 2, HEIGHT + 0.08, -front);
    for (const label of [title, scale, xAxis, xMin, xMax, vAxis, vMin, vMax, fAxis]) group.add(label.sprite);
    this.scene.add(group);
    return { group, map, title, scale, xMax, vMin, vMax };
  }
}
