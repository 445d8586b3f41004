/**
 * The trapezoidal (Crank–Nicolson) collision step, float64: the collision step that makes the
 * Strang splitting of step.ts accurate at the Navier–Stokes level for any λ = μΔt/ε (issue 15).
 *
 * Why not the exponential step (collisionStep.ts) at λ ≫ 1. Near equilibrium write F = M + g and
 * let H = (I − Π)(v·∇x + (e/m)E·∇v)M be the streaming of M that the transport half-steps add to g.
 * One Strang step X(Δt/2) C(Δt) X(Δt/2) maps g ↦ R(g − (Δt/2)H) − (Δt/2)H, R the collision step's
 * amplification of g, so its fixed point (what every output shows once the initial layer is gone) is
 *
 *     g* = −(Δt/2) (I − R)⁻¹ (I + R) H.
 *
 * The Chapman–Enskog (Navier–Stokes) deviation is g_NS = ε L⁻¹ H (L the linearised operator,
 * negative on (Ker L)^⊥; PHYSICS.md §3). With exact or exponential collisions R = e^{ΔtL/ε} → 0
 * for λ ≫ 1 and g* → −(Δt/2)H: a deviation set by Δt, λ/2 times too large (the measured
 * artefact, and a numerical viscosity ∝ Δt). With the trapezoidal rule R = (I + zL/2)(I − zL/2)⁻¹,
 * z = Δt/ε, the identity (I − R)⁻¹(I + R) = −2 (zL)⁻¹ gives g* = ε L⁻¹ H = g_NS EXACTLY, for every Δt
 * and every mode of L (Dellar, Comput. Math. Appl. 65 (2013) 129: lattice Boltzmann is this Strang
 * splitting, and is second order with the physical viscosity). Since the trapezoidal rule is
 * second order and symmetric, the Strang step stays second order in Δt for ε = O(1).
 *
 * The price: R(∞) = −1 (A-stable, not L-stable). A deviation from g* that the data bring (an
 * ill-prepared initial state, far from M) is not removed in one step as by the exponential step; it
 * alternates in sign and decays by |1 − λ_k/2|/(1 + λ_k/2) per step on each mode of L (λ_k = Δtν_k/ε).
 * So where a cell is in an initial layer — λ > INITIAL_LAYER_LAMBDA = 4 and max|F − M| above
 * INITIAL_LAYER_DEVIATION = 5 % of max M, far above a Navier–Stokes deviation (O(ε|∇|), 1e−4 in the
 * README's tests) — the step is the L-stable exponential one, which takes F to M in one step as
 * ε → 0. This is Rannacher's remedy for Crank–Nicolson (Numer. Math. 43 (1984) 309: start with
 * strongly damped steps), switched by the state instead of the step count, so that a rollback or a
 * resumed checkpoint takes the same steps. The exponential step stays the default scheme: it is
 * strong AP everywhere, and it is 3–65× cheaper (BENCHMARKS.md).
 *
 * The step, for one x-cell. Q̃(F) = Π_C Q(F) − Π_C Q(M) (conservation projection Π_C of
 * conservation.ts; minus Q(M): the well-balanced form of collisionStep.ts), M = M[F^n] the discrete
 * bi-Maxwellian with F^n's conserved moments (constant over the step). Q is quadratic, so with
 * Q_± = Q̃(M ± g): the linear part L g = (Q_+ − Q_−)/2 and the quadratic part N(g) = (Q_+ + Q_−)/2,
 * both exact (polarisation), each at the cost of two operator evaluations. The trapezoidal rule
 *
 *     (I − (z/2)L) g^{n+1} = g^n + (z/2)(L g^n + N(g^n) + N(g^{n+1}))
 *
 * is solved by GMRES (right-preconditioned by the loss frequency, I + (z/2)ν(v), the diagonal part
 * of −L), first with N(g^{n+1}) ≈ N(g^n), then once more with N of that solution (one Picard pass:
 * the error left is O(Δt³/ε) per step, so the step stays second order). Conservation is exact: the
 * right-hand side and every Krylov vector have zero conserved moments. M is a fixed point (g = 0
 * gives 0). Positivity is not preserved (R ≈ −1 reflects g about M); small negative tail values
 * are left to the step guard (stepGuard.ts), and the limiter of positivity.ts is an option, off.
 *
 * Stability needs a discrete L with no growing mode. The spectral L is not dissipative on an
 * under-resolved grid: measured (m_A = m_B, θ = 1, γ = 0, λ = 30) a perturbation of M grows 15 % per
 * step at N_v = 8, L = 4.5 and ~0.1 % per step at N_v = 8, L = 6, and decays at N_v = 16, L = 6. The
 * exponential step damps such modes (its amplification e^{−λ}(1 + w) stays below 1); this one does
 * not, so use it on resolved grids only; a blow-up ends in KrylovNotConvergedError.
 */

import { gmres } from '../krylov';
import {
  type CollisionProjection,
  collisionStep,
  discreteMixtureMaxwellian,
  lossFrequencies,
  type ProjectionWeights,
  projectedCollisions,
  projectionWeights,
} from './collisionStep';
import { conservationProjection } from './conservation';
import { limitPositivity } from './positivity';
import type { MixtureTables } from './spectral';

/** The collision step's time schemes (config collisions.scheme; absent = "exponential"). */
export const COLLISION_SCHEMES = ['exponential', 'trapezoidal'] as const;
export type CollisionScheme = (typeof COLLISION_SCHEMES)[number];

/**
 * Stop GMRES at this relative residual, or fail after KRYLOV_MAX_ITERATIONS. A solve error δ moves
 * the Navier–Stokes fixed point by about δλ/4 relative (module comment: d[(1+R)/(1−R)]/dR = ½ at
 * R = −1), so 1e−7 keeps it below 1e−4 up to λ ≈ 4000.
 */
export const KRYLOV_TOLERANCE = 1e-7;
export const KRYLOV_MAX_ITERATIONS = 60;

export class KrylovNotConvergedError extends Error {
  constructor(
    readonly residual: number,
    readonly iterations: number,
  ) {
    super(
      `trapezoidal collision step (collisions.scheme): GMRES reached relative residual ` +
        `${residual.toExponential(2)} after ${iterations} iterations (wanted ${KRYLOV_TOLERANCE}). On an ` +
        'under-resolved velocity grid the discrete linearised operator has growing modes that this step ' +
        'does not damp, and the run diverges (README "Time stepping at large λ"): raise grid.nv (16 or more) ' +
        'or use collisions.scheme "exponential"',
    );
  }
}

export interface TrapezoidalStepResult {
  readonly fA: Float64Array;
  readonly fB: Float64Array;
  /** GMRES iterations of the two solves. */
  readonly iterations: readonly [number, number];
  /** g^{n+1} = F^{n+1} − M, [A; B]. */
  readonly deviation: Float64Array;
  /** Whether this step was the exponential one (an initial layer: TrapezoidalStepOptions.initialLayer). */
  readonly exponential: boolean;
}

export interface TrapezoidalStepOptions {
  /**
   * end with the conservative positivity limiter (default false: measured on the plasma wave of the
   * README at ε = 0.01, N_v = 8, the limiter's per-step corrections are reflected by R ≈ −1 rather
   * than damped, and they took over the run; without it the wave is smooth)
   */
  readonly positivity?: boolean;
  /** the Picard pass on N (default true); false leaves a first-order step in the nonlinear term */
  readonly picard?: boolean;
  /**
   * Take the exponential step instead where the cell is in an initial layer: λ > INITIAL_LAYER_LAMBDA
   * and max|F − M| > INITIAL_LAYER_DEVIATION · max M (default true; module comment).
   */
  readonly initialLayer?: boolean;
  /** How Q is made conservative (collisionStep.ts CollisionProjection; default "uniform"). */
  readonly projection?: CollisionProjection;
}

/** The initial-layer switch (TrapezoidalStepOptions.initialLayer). */
export const INITIAL_LAYER_LAMBDA = 4;
export const INITIAL_LAYER_DEVIATION = 0.05;

/** Π_C Q(fA, fB) of both species as one vector [A; B] (collisionStep.ts's projectedCollisions). */
function projectedCollisionVector(
  f: Float64Array,
  n: number,
  tables: MixtureTables,
  weights: ProjectionWeights | undefined,
): Float64Array {
  const p = projectedCollisions(f.subarray(0, n), f.subarray(n), tables, weights);
  const out = new Float64Array(2 * n);
  out.set(p.qA, 0);
  out.set(p.qB, n);
  return out;
}

/** One trapezoidal collision step of length dt at Knudsen number ε for ONE x-cell (module comment). */
export function trapezoidalCollisionStep(
  fA: ArrayLike<number>,
  fB: ArrayLike<number>,
  tables: MixtureTables,
  dt: number,
  knudsen: number,
  options: TrapezoidalStepOptions = {},
): TrapezoidalStepResult {
  const { positivity = false, picard = true, initialLayer = true } = options;
  const grid = tables.AA.grid;
  const n = grid.pointsPerCell;
  const massA = tables.AA.pair.alpha.mass;
  const massB = tables.BB.pair.alpha.mass;
  const { mA, mB } = discreteMixtureMaxwellian(fA, fB, grid, massA, massB);
  const weights = projectionWeights(options.projection, mA, mB);
  const m = new Float64Array(2 * n);
  m.set(mA, 0);
  m.set(mB, n);
  const gOld = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    gOld[i] = fA[i]! - mA[i]!;
    gOld[n + i] = fB[i]! - mB[i]!;
  }
  const half = (0.5 * dt) / knudsen;
  const { nuA, nuB } = lossFrequencies(mA, mB, tables);
  if (initialLayer) {
    let penalty = 0;
    for (let i = 0; i < n; i++) penalty = Math.max(penalty, nuA[i]!, nuB[i]!);
    const lambda = (penalty * dt) / knudsen;
    let size = 0;
    let deviation = 0;
    for (let i = 0; i < 2 * n; i++) {
      size = Math.max(size, Math.abs(m[i]!));
      deviation = Math.max(deviation, Math.abs(gOld[i]!));
    }
    if (lambda > INITIAL_LAYER_LAMBDA && deviation > INITIAL_LAYER_DEVIATION * size) {
      // far from M at λ ≫ 1: an initial layer, which the L-stable exponential step removes (module comment)
      const e = collisionStep(fA, fB, tables, dt, knudsen, { projection: options.projection });
      const g = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) {
        g[i] = e.fA[i]! - mA[i]!;
        g[n + i] = e.fB[i]! - mB[i]!;
      }
      return { fA: e.fA, fB: e.fB, iterations: [0, 0], deviation: g, exponential: true };
    }
  }
  const qM = projectedCollisionVector(m, n, tables, weights);
  /** Q̃(M ± g) = ±L g + N(g) (polarisation: Q is quadratic). */
  const polarised = (g: Float64Array) => ({
    plus: projectedCollisionVector(
      m.map((x, i) => x + g[i]!),
      n,
      tables,
      weights,
    ),
    minus: projectedCollisionVector(
      m.map((x, i) => x - g[i]!),
      n,
      tables,
      weights,
    ),
  });
  const linearPart = ({ plus, minus }: ReturnType<typeof polarised>) =>
    plus.map((p, i) => 0.5 * (p - minus[i]!));
  const quadraticPart = ({ plus, minus }: ReturnType<typeof polarised>) =>
    plus.map((p, i) => 0.5 * (p + minus[i]!) - qM[i]!);
  // the Krylov matvec needs L only
  const operator = (x: Float64Array) => {
    const linear = linearPart(polarised(x));
    return x.map((xi, i) => xi - half * linear[i]!);
  };
  const precondition = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    precondition[i] = 1 + half * nuA[i]!;
    precondition[n + i] = 1 + half * nuB[i]!;
  }
  const atOld = polarised(gOld);
  const old = { linear: linearPart(atOld), quadratic: quadraticPart(atOld) };
  const rightSide = (quadraticNew: Float64Array) =>
    gOld.map((gi, i) => gi + half * (old.linear[i]! + old.quadratic[i]! + quadraticNew[i]!));
  // round-off of M: a right-hand side below it (F = M up to round-off) is solved by 0
  const floor = 1e-15 * Math.sqrt(m.reduce((sum, x) => sum + x * x, 0));
  const solve = (b: Float64Array, guess: Float64Array | null) => {
    const s = gmres(operator, b, precondition, guess, KRYLOV_TOLERANCE, KRYLOV_MAX_ITERATIONS, floor);
    if (!(s.residual <= KRYLOV_TOLERANCE)) throw new KrylovNotConvergedError(s.residual, s.iterations);
    return s;
  };
  const firstRightSide = rightSide(old.quadratic);
  const first = solve(firstRightSide, null);
  let gNew = first.x;
  let second = 0;
  if (picard) {
    const b = rightSide(quadraticPart(polarised(gNew)));
    // near M, N(g) = O(|g|²) and the pass changes the right-hand side below the solver's tolerance:
    // then the first solution already solves the second system
    const change = Math.sqrt(b.reduce((sum, x, i) => sum + (x - firstRightSide[i]!) ** 2, 0));
    const size = Math.sqrt(b.reduce((sum, x) => sum + x * x, 0));
    if (change > KRYLOV_TOLERANCE * size) {
      const next = solve(b, gNew);
      gNew = next.x;
      second = next.iterations;
    }
  }
  // the exact solution has no conserved moments; the preconditioned iterate has them to the solver's
  // tolerance (P⁻¹ is diagonal, it does not keep moments): project them out
  const g = conservationProjection(gNew.subarray(0, n), gNew.subarray(n), grid, massA, massB);
  const outA = mA.map((x, i) => x + g.qA[i]!);
  const outB = mB.map((x, i) => x + g.qB[i]!);
  const iterations = [first.iterations, second] as const;
  const deviation = new Float64Array(2 * n);
  deviation.set(g.qA, 0);
  deviation.set(g.qB, n);
  if (!positivity) return { fA: outA, fB: outB, iterations, deviation, exponential: false };
  return {
    fA: limitPositivity(outA, grid),
    fB: limitPositivity(outB, grid),
    iterations,
    deviation,
    exponential: false,
  };
}
