/**
 * The periodic Poisson problem of PHYSICS.md §1 in 1D: Δφ = ρ − n̄_e with ρ(x) = Σ_α e_α n_α(x)
 * and the neutralising background n̄_e = mean of ρ, and the field E = ∂xφ (the paper's sign: Gauss's
 * law div E = ρ − n̄_e, force e_α E on species α). Spectrally: Ê_k = −i ρ̂_k/κ_k, κ_k = 2πk/ℓ,
 * Ê_0 = 0, and (even n_x) the Nyquist mode of E set to zero (its derivative is ambiguous).
 * A direct DFT, O(n_x²), as n_x is at most a few hundred. The float64 reference of the GPU's solve
 * inside the step (src/shaders/fieldSolve.wgsl, with poissonFieldKernel's table), and the solve of
 * the CPU backend and of the fluid (fluid/).
 */

export interface PoissonSolution {
  /** E(x_i) at the cell centres. */
  readonly field: Float64Array;
  /** φ(x_i), zero mean. */
  readonly potential: Float64Array;
  /** n̄_e, the mean net charge removed. */
  readonly background: number;
}

export function poissonSolveFft(charge: ArrayLike<number>, length: number): PoissonSolution {
  const n = charge.length;
  const field = new Float64Array(n);
  const potential = new Float64Array(n);
  let background = 0;
  for (let i = 0; i < n; i++) background += charge[i]!;
  background /= n;
  const modes = Math.ceil(n / 2) - 1; // Nyquist (even n) left out
  for (let k = 1; k <= modes; k++) {
    // ρ̂_k = Σ_i ρ_i e^{−2πi ki/n} (the mean is removed by leaving out k = 0)
    let re = 0;
    let im = 0;
    for (let i = 0; i < n; i++) {
      const a = (2 * Math.PI * k * i) / n;
      re += charge[i]! * Math.cos(a);
      im -= charge[i]! * Math.sin(a);
    }
    const kappa = (2 * Math.PI * k) / length;
    // φ̂ = −ρ̂/κ², Ê = iκ φ̂ = −iρ̂/κ; real signal: modes k and −k together give 2 Re(·)/n
    const phiRe = -re / (kappa * kappa);
    const phiIm = -im / (kappa * kappa);
    const eRe = -kappa * phiIm;
    const eIm = kappa * phiRe;
    for (let i = 0; i < n; i++) {
      const a = (2 * Math.PI * k * i) / n;
      const c = Math.cos(a);
      const s = Math.sin(a);
      potential[i]! += (2 / n) * (phiRe * c - phiIm * s);
      field[i]! += (2 / n) * (eRe * c - eIm * s);
    }
  }
  return { field, potential, background };
}

/**
 * The field map of poissonSolveFft as a periodic convolution: E_i = Σ_j G[(i − j) mod n] ρ_j with
 *   G[d] = (2/n) Σ_{k=1}^{K} sin(2πkd/n)/κ_k,  κ_k = 2πk/ℓ,  K = ⌈n/2⌉ − 1,
 * the same linear map (k = 0 and the Nyquist mode left out, so Σ_d G[d] = 0 and the mean of ρ has
 * no effect). Tabulated here in float64 for the GPU solve (src/shaders/fieldSolve.wgsl), which then
 * needs no trigonometry of its own; k·d is reduced mod n before the sine so each entry is accurate.
 */
export function poissonFieldKernel(n: number, length: number): Float64Array {
  const kernel = new Float64Array(n);
  const modes = Math.ceil(n / 2) - 1;
  for (let d = 0; d < n; d++) {
    let sum = 0;
    for (let k = 1; k <= modes; k++) {
      const kappa = (2 * Math.PI * k) / length;
      sum += Math.sin((2 * Math.PI * ((k * d) % n)) / n) / kappa;
    }
    kernel[d] = (2 / n) * sum;
  }
  return kernel;
}

/** ½ ∫ |E|² dx by the midpoint rule. */
export function fieldEnergy(field: ArrayLike<number>, length: number): number {
  let sum = 0;
  for (let i = 0; i < field.length; i++) sum += field[i]! * field[i]!;
  return (0.5 * sum * length) / field.length;
}
