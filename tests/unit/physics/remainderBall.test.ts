import { describe, expect, it } from 'vitest';
import type { SimulationConfig } from '../../../src/physics/config';
import { remainderBall } from '../../../src/physics/remainderBall';

describe('remainderBall', () => {
  it('θ_M = 2m_A/(2m_A + m_B) θ̄ with m_A ≥ m_B, and r_α = √(2θ_M ln(1/floor)/m_α), by hand', () => {
    const species = (mass: number, density: number, temperature: number) => ({
      name: 'x',
      mass,
      charge: 1,
      diameter: 1,
      density,
      temperature,
      drift: [0, 0, 0] as const,
    });
    // θ̄ = (1·1 + 3·2)/4 = 1.75; the heavier is B (m = 30): θ_M = 2·30/(2·30 + 16) θ̄ = 60/76 · 1.75
    const config = { species: [species(16, 1, 1), species(30, 3, 2)] } as unknown as SimulationConfig;
    const ball = remainderBall(config);
    expect(ball.thetaBar).toBeCloseTo(1.75, 14);
    expect(ball.thetaM).toBeCloseTo((60 / 76) * 1.75, 14);
    const r = (m: number) => Math.sqrt((2 * ball.thetaM * Math.log(1e4)) / m);
    expect(ball.floorRatio).toBe(1e-4);
    expect(ball.trustedRadius[0]).toBeCloseTo(r(16), 12);
    expect(ball.trustedRadius[1]).toBeCloseTo(r(30), 12);
  });
});
