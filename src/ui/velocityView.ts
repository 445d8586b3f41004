/**
 * The 3D velocity distribution of each species at one x-cell: the grid points where
 * F^α(x_i, v) ≥ level · max F^α, coloured by F/max (an isosurface-like solid point set), with the
 * fluid's discrete bi-Maxwellian F_0 at the same cell as a translucent grey "ghost": the shell of
 * its own level set (the points of F_0 ≥ level · max F_0 that have a neighbour below it).
 *
 * Buffers are sized N_v³ when the grid changes; each snapshot rewrites them and sets the draw
 * range, so nothing is allocated while the run plays.
 */
import * as THREE from 'three';
import { type ColorMap, colorAt, INFERNO, VIRIDIS } from './colormap';
import { axisLines, TextLabel, wireBox } from './sceneLabels';
import { type CameraPose, ThreeView } from './threeView';

const SIDE = 2; // one panel's cube [−1, 1]³ ↔ [−L, L]³
const GAP = 0.7;

/** The camera the view opens with. */
export const VELOCITY_HOME: CameraPose = { position: [0.9, 2.0, 6.3], target: [0, -0.1, 0] };

/** What the view draws: F^α and the fluid's F_0 at one x-cell, [j1][j2][j3], and where that cell is. */
export interface VelocityData {
  readonly x: Float64Array;
  readonly velocityCell: number;
  readonly velocity: readonly [Float32Array, Float32Array];
  readonly velocityFluid: readonly [Float32Array, Float32Array];
}

interface Panel {
  readonly group: THREE.Group;
  readonly map: ColorMap;
  readonly title: TextLabel;
  readonly box: TextLabel;
  readonly kinetic: THREE.Points;
  readonly ghost: THREE.Points;
}

export class VelocityView extends ThreeView {
  private readonly panels: readonly [Panel, Panel];
  private nv = 0;
  /** Fraction of the maximum that a point must reach to be drawn. */
  level = 0.1;
  private names: readonly [string, string] = ['A', 'B'];

  constructor(canvas: OffscreenCanvas) {
    super(canvas, VELOCITY_HOME);
    this.panels = [
      this.makePanel(-(SIDE + GAP) / 2, VIRIDIS, 'A'),
      this.makePanel((SIDE + GAP) / 2, INFERNO, 'B'),
    ];
  }

  setSpecies(names: readonly [string, string]): void {
    this.names = names;
  }

  setGrid(nv: number, vmax: number): void {
    for (const p of this.panels) p.box.setText(`box [−L, L]³, L = ${vmax.toPrecision(3)}`);
    if (nv === this.nv) return;
    this.nv = nv;
    const count = nv * nv * nv;
    const spacing = SIDE / nv;
    for (const p of this.panels) {
      for (const [points, withColor] of [
        [p.kinetic, true],
        [p.ghost, false],
      ] as const) {
        points.geometry.dispose();
        const geometry = new THREE.BufferGeometry();
        geometry.setAttribute(
          'position',
          new THREE.BufferAttribute(new Float32Array(3 * count), 3).setUsage(THREE.DynamicDrawUsage),
        );
        if (withColor) {
          geometry.setAttribute(
            'color',
            new THREE.BufferAttribute(new Float32Array(3 * count), 3).setUsage(THREE.DynamicDrawUsage),
          );
        }
        geometry.setDrawRange(0, 0);
        geometry.boundingSphere = new THREE.Sphere(new THREE.Vector3(), SIDE);
        points.geometry = geometry;
      }
      (p.kinetic.material as THREE.PointsMaterial).size = 0.9 * spacing;
      (p.ghost.material as THREE.PointsMaterial).size = 1.3 * spacing;
    }
    // drawn with the run's first snapshot
  }

  update(snapshot: VelocityData): void {
    const { nv } = this;
    if (nv === 0) return;
    const x = snapshot.x[snapshot.velocityCell] ?? 0;
    this.panels.forEach((p, s) => {
      p.title.setText(`F^${s === 0 ? 'A' : 'B'}(x = ${x.toPrecision(3)}, v): ${this.names[s]}`);
      this.fillKinetic(p, snapshot.velocity[s]!);
      this.fillGhost(p, snapshot.velocityFluid[s]!);
    });
    this.requestRender();
  }

  private coordinate(j: number): number {
    return ((j + 0.5) / this.nv - 0.5) * SIDE;
  }

  private fillKinetic(p: Panel, f: Float32Array): void {
    const nv = this.nv;
    let max = 0;
    for (let k = 0; k < f.length; k++) max = Math.max(max, f[k]!);
    const positions = p.kinetic.geometry.getAttribute('position') as THREE.BufferAttribute;
    const colors = p.kinetic.geometry.getAttribute('color') as THREE.BufferAttribute;
    const pos = positions.array as Float32Array;
    const col = colors.array as Float32Array;
    const cut = this.level * max;
    let n = 0;
    for (let j1 = 0; j1 < nv; j1++) {
      for (let j2 = 0; j2 < nv; j2++) {
        for (let j3 = 0; j3 < nv; j3++) {
          const value = f[(j1 * nv + j2) * nv + j3]!;
          if (!(value >= cut) || max <= 0) continue;
          // v1 along the scene's x, v2 along z, v3 up
          pos[3 * n] = this.coordinate(j1);
          pos[3 * n + 1] = this.coordinate(j3);
          pos[3 * n + 2] = -this.coordinate(j2);
          colorAt(p.map, value / max, col, 3 * n);
          n++;
        }
      }
    }
    positions.needsUpdate = true;
    colors.needsUpdate = true;
    p.kinetic.geometry.setDrawRange(0, n);
  }

  private fillGhost(p: Panel, f: Float32Array): void {
    const nv = this.nv;
    let max = 0;
    for (let k = 0; k < f.length; k++) max = Math.max(max, f[k]!);
    const positions = p.ghost.geometry.getAttribute('position') as THREE.BufferAttribute;
    const pos = positions.array as Float32Array;
    const cut = this.level * max;
    const inside = (j1: number, j2: number, j3: number) =>
      j1 >= 0 && j2 >= 0 && j3 >= 0 && j1 < nv && j2 < nv && j3 < nv && f[(j1 * nv + j2) * nv + j3]! >= cut;
    let n = 0;
    for (let j1 = 0; j1 < nv; j1++) {
      for (let j2 = 0; j2 < nv; j2++) {
        for (let j3 = 0; j3 < nv; j3++) {
          if (max <= 0 || !inside(j1, j2, j3)) continue;
          const shell =
            !inside(j1 - 1, j2, j3) ||
            !inside(j1 + 1, j2, j3) ||
            !inside(j1, j2 - 1, j3) ||
            !inside(j1, j2 + 1, j3) ||
            !inside(j1, j2, j3 - 1) ||
            !inside(j1, j2, j3 + 1);
          if (!shell) continue;
          pos[3 * n] = this.coordinate(j1);
          pos[3 * n + 1] = this.coordinate(j3);
          pos[3 * n + 2] = -this.coordinate(j2);
          n++;
        }
      }
    }
    positions.needsUpdate = true;
    p.ghost.geometry.setDrawRange(0, n);
  }

  private makePanel(centre: number, map: ColorMap, species: string): Panel {
    const group = new THREE.Group();
    group.position.x = centre;
    const h = SIDE / 2;
    group.add(
      wireBox(new THREE.Vector3(-h, -h, -h), new THREE.Vector3(h, h, h), 0xc3c9d1),
      axisLines(new THREE.Vector3(-h, -h, h), new THREE.Vector3(SIDE, SIDE, -SIDE)),
    );
    const kinetic = new THREE.Points(
      new THREE.BufferGeometry(),
      new THREE.PointsMaterial({ vertexColors: true, size: 0.1, sizeAttenuation: true }),
    );
    const ghost = new THREE.Points(
      new THREE.BufferGeometry(),
      new THREE.PointsMaterial({
        color: 0x7d8590,
        size: 0.2,
        transparent: true,
        opacity: 0.28,
        depthWrite: false,
      }),
    );
    ghost.renderOrder = 2;
    const title = new TextLabel(`F^${species}`, 0.17).at(0, h + 0.45, 0);
    const box = new TextLabel('', 0.12).at(0, h + 0.2, 0);
    const axes = [
      new TextLabel('v₁ (dimensionless)', 0.13).at(0, -h - 0.2, h + 0.1),
      new TextLabel('v₃ (dimensionless)', 0.13).at(-h - 0.2, 0, h + 0.1),
      new TextLabel('v₂ (dimensionless)', 0.13).at(-h - 0.15, -h - 0.2, 0),
    ];
    group.add(kinetic, ghost, title.sprite, box.sprite, ...axes.map((a) => a.sprite));
    this.scene.add(group);
    return { group, map, title, box, kinetic, ghost };
  }
}
