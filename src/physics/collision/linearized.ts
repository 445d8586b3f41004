/**
 * The linearised two-species collision operator L of the paper (eq. 2.10) and its kernel projection
 * P (2.11–2.12), in float64 on ONE x-cell (issue 17, first part: the float64 reference; L⁻¹ (2.13),
 * the GPU twin and the transport coefficients come next, see the end of this comment).
 *
 * Around a local bi-Maxwellian μ = (μ^A, μ^B) with one drift u and one temperature θ (PHYSICS.md §1)
 * the paper writes F^α = μ^α + √μ^α f^α and
 *     (Lf)^α = −μ_α^{−1/2} Σ_β [Q^{αβ}(μ^α, √μ^β f^β) + Q^{αβ}(√μ^α f^α, μ^β)].
 * Here the same operator acts on the perturbation h = √μ f itself:
 *     (𝓛h)^α = −Σ_β [Q^{αβ}(μ^α, h^β) + Q^{αβ}(h^α, μ^β)],   L f = μ^{−1/2} 𝓛(μ^{1/2} f),
 * because dividing the discrete operator by √μ amplifies its consistency error without bound in the
 * tails (measured: with the division applied wherever μ ≥ 1e−16 max μ the discrete L was 25 % away
 * from self-adjoint and GMRES on it stalled at a relative residual of 0.999; without it, below). Every
 * statement about L carries over: ⟨f, Lg⟩ = ⟨h, 𝓛k⟩_{1/μ} (⟨a, b⟩_{1/μ} = Σ_α Σ_v a b/μ^α) with
 * h = √μ f, k = √μ g, so L is self-adjoint and non-negative exactly when 𝓛 is in ⟨·,·⟩_{1/μ}.
 * Each Q^{αβ}(a, b) is the run's own spectral operator (spectral.ts, bilinear in (a, b)), and the sum
 * over β of each species goes through the conservation projection (conservation.ts): Σ_v ψ_α 𝓛h = 0
 * exactly for the six collision invariants ψ (1_A, 1_B, m_α v_i, m_α|v|²/2), i.e. the range of L is
 * ⊥ Ker L = span{√μ ψ}. In h-variables Ker 𝓛 = span{μ ψ}, and P is the ⟨·,·⟩_{1/μ}-orthogonal
 * projection onto it: P h = Σ_d c_d μψ_d with Σ_e (Σ_v μ ψ_d ψ_e) c_e = Σ_v ψ_d h, no division. So
 * (I − P)h = 0 means the perturbation carries no mass, momentum or energy, as in the paper.
 *
 * Measured (tests/unit/physics/collision/linearized.test.ts, N_v = 16, L = 6, m_B = 2m_A, one θ):
 * P and the range's orthogonality to the invariants hold to round-off; 𝓛(μψ) is 0.3–3 % of the
 * operator's size off its kernel (γ = 0; 0.3–1.8 % at γ = 1) and 𝓛 is self-adjoint in ⟨·,·⟩_{1/μ}
 * to 0.5–0.9 %: the spectral operator's pointwise consistency (Q^{AB}(μ^A, μ^B) is 0.15 % of its
 * gain term there, 2.8 % at L = 8, 1e−6 at N_v = 32). That is why 𝓛⁻¹ is not here yet: GMRES on the
 * deflated 𝓛(I − P) + P stalled at a relative residual of 7e−6 after 200 iterations (N_v = 16) and
 * 4e−4 (N_v = 8). The next step (issue 17) is an 𝓛 whose kernel is exact by construction
 * (𝓛(I − P), as the collision step's well-balanced correction) and a preconditioner, or a Galerkin
 * solve in a Hermite basis, before the transport coefficients.
 */
import { type MaxwellianState, maxwellianOnGrid, solveLinear } from '../maxwellian';
import { velocityNodes } from '../velocityGrid';
import { conservationProjection } from './conservation';
import { collisionOperator, type MixtureTables } from './spectral';

export interface LinearizedOperator {
  /** Values per species on the grid (N_v³); vectors are [A; B], 2·points long. */
  readonly points: number;
  /** μ^A, μ^B on the grid. */
  readonly mu: readonly [Float64Array, Float64Array];
  /** 𝓛 h (module comment) for a perturbation h = √μ f. */
  apply(h: Float64Array): Float64Array;
  /** P h: the projection onto Ker 𝓛 = span{μ ψ} (module comment). */
  kernelProjection(h: Float64Array): Float64Array;
  /** The six invariant moments Σ_v ψ_d h (zero ⟺ P h = 0). */
  invariantMoments(h: Float64Array): Float64Array;
  /** The six kernel vectors μ^α ψ_α, [A; B] each. */
  readonly kernel: readonly Float64Array[];
  /** The six invariants ψ_α on the grid, [A; B] each. */
  readonly invariants: readonly Float64Array[];
}

/**
 * 𝓛 at the bi-Maxwellian of `states` (Ker 𝓛 is the six invariants only when both share one drift
 * and one temperature; not enforced, since the derivative elsewhere is also well defined), with the
 * run's spectral tables.
 */
export function linearizedOperator(
  states: readonly [MaxwellianState, MaxwellianState],
  tables: MixtureTables,
): LinearizedOperator {
  const grid = tables.AA.grid;
  const n = grid.pointsPerCell;
  const mu = states.map((s) => maxwellianOnGrid(grid, s)) as [Float64Array, Float64Array];
  const masses = [states[0].mass, states[1].mass] as const;

  const v = velocityNodes(grid);
  const nv = grid.nv;
  const invariants: Float64Array[] = [];
  for (let d = 0; d < 6; d++) invariants.push(new Float64Array(2 * n));
  for (let s = 0; s < 2; s++) {
    const m = masses[s]!;
    for (let i1 = 0; i1 < nv; i1++) {
      for (let i2 = 0; i2 < nv; i2++) {
        for (let i3 = 0; i3 < nv; i3++) {
          const i = s * n + (i1 * nv + i2) * nv + i3;
          const [v1, v2, v3] = [v[i1]!, v[i2]!, v[i3]!];
          invariants[s]![i] = 1; // the number of species s
          invariants[2]![i] = m * v1;
          invariants[3]![i] = m * v2;
          invariants[4]![i] = m * v3;
          invariants[5]![i] = 0.5 * m * (v1 * v1 + v2 * v2 + v3 * v3);
        }
      }
    }
  }
  const weight = new Float64Array(2 * n);
  weight.set(mu[0], 0);
  weight.set(mu[1], n);
  const kernel = invariants.map((psi) => psi.map((x, i) => x * weight[i]!));
  const dot = (a: Float64Array, b: Float64Array) => {
    let sum = 0;
    for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
    return sum;
  };
  const gram = new Float64Array(36);
  for (let d = 0; d < 6; d++) for (let e = 0; e < 6; e++) gram[6 * d + e] = dot(invariants[d]!, kernel[e]!);

  const invariantMoments = (h: Float64Array) => Float64Array.from(invariants, (psi) => dot(psi, h));
  const kernelProjection = (h: Float64Array) => {
    const c = solveLinear(gram, invariantMoments(h), 6);
    const out = new Float64Array(2 * n);
    for (let d = 0; d < 6; d++) for (let i = 0; i < out.length; i++) out[i]! += c[d]! * kernel[d]![i]!;
    return out;
  };

  const apply = (h: Float64Array): Float64Array => {
    const hs = [h.subarray(0, n), h.subarray(n)] as const;
    const pairs = [
      [tables.AA, tables.AB],
      [tables.BA, tables.BB],
    ] as const;
    const q = [0, 1].map((a) => {
      const sum = new Float64Array(n);
      for (const b of [0, 1]) {
        const table = pairs[a]![b]!;
        const one = collisionOperator(mu[a]!, hs[b]!, table).q;
        const two = collisionOperator(hs[a]!, mu[b]!, table).q;
        for (let i = 0; i < n; i++) sum[i]! += one[i]! + two[i]!;
      }
      return sum;
    });
    const projected = conservationProjection(q[0]!, q[1]!, grid, masses[0], masses[1]);
    const out = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      out[i] = -projected.qA[i]!;
      out[n + i] = -projected.qB[i]!;
    }
    return out;
  };

  return { points: n, mu, apply, kernelProjection, invariantMoments, kernel, invariants };
}
