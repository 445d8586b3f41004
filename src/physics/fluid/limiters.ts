/**
 * Slope limiters of the finite-volume scheme's MUSCL reconstruction: from the left and right
 * differences a, b of a cell's primitive variable, the slope used to extrapolate it to the faces.
 * van Albada (the default) keeps second order at smooth extrema; MC and minmod are TVD and clip to
 * first order there.
 */

export type SlopeLimiter = 'vanAlbada' | 'mc' | 'minmod';

/** The limited slope from the differences a (left) and b (right); eps is van Albada's floor. */
export type Limiter = (a: number, b: number, eps: number) => number;

/** minmod: the most diffusive TVD slope. */
const minmod: Limiter = (a, b) => (a * b <= 0 ? 0 : Math.sign(a) * Math.min(Math.abs(a), Math.abs(b)));

/** Monotonised central (van Leer): min(2|a|, 2|b|, |a + b|/2); TVD, first order at extrema. */
const monotonisedCentral: Limiter = (a, b) =>
  a * b <= 0 ? 0 : Math.sign(a) * Math.min(2 * Math.abs(a), 2 * Math.abs(b), 0.5 * Math.abs(a + b));

/**
 * van Albada, van Leer & Roberts (1982) slope ((b² + ε)a + (a² + ε)b)/(a² + b² + 2ε). Where both
 * differences are ≪ √ε (smooth extrema: they are O(Δx²) there while √ε ∝ Δx^{3/2}) it is the central
 * slope, so second order survives at extrema; where they are large it limits like a smooth TVD slope.
 * For ab < 0 only the ε parts are kept (→ 0 across a real jump, → central inside the ε floor).
 */
const vanAlbada: Limiter = (a, b, eps) =>
  a * b > 0
    ? ((b * b + eps) * a + (a * a + eps) * b) / (a * a + b * b + 2 * eps)
    : (eps * (a + b)) / (a * a + b * b + 2 * eps);

export const LIMITERS: Readonly<Record<SlopeLimiter, Limiter>> = {
  vanAlbada,
  mc: monotonisedCentral,
  minmod,
};
