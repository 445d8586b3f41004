/**
 * `sim transport --config <f> [--json] [--nv 32|16]`: the mixture's Navier–Stokes transport
 * coefficients (η, λ, D_AB, k_T; Chapman & Cowling's convention, ε included) at the config's
 * background state, from the discrete 𝓛⁻¹ (src/physics/collision/transportCoefficients.ts), with
 * the grid, the quadrature and the Krylov residual, and for Maxwell molecules the exact values
 * beside them. Float64 on the CPU: about a minute at N_v = 32 on a 2-core machine.
 * Exit status as `run`: 2 for input refused (the message names the field), 1 otherwise.
 */
import { readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import {
  type TransportCoefficients,
  type TransportState,
  transportCoefficients,
  transportGrid,
  transportStateOf,
} from '../physics/collision/transportCoefficients';
import { maxwellMoleculeDiffusion, maxwellMoleculeViscosity } from '../physics/collision/transportExact';
import { parseConfig } from '../physics/configSchema';
import { InvalidParameterError } from '../physics/velocityGrid';
import { InvalidInputError, type RunCommandIo, type TextSink, withOneLineErrors } from './run';

/** The solve, injectable so that tests of the plumbing need not wait for it. */
export type TransportSolver = (
  state: TransportState,
  nv: number,
  onProgress: (stage: string) => void,
) => TransportCoefficients;

export const solveTransport: TransportSolver = (state, nv, onProgress) =>
  transportCoefficients(state, transportGrid(state, nv), undefined, { onProgress });

/** An Onsager defect above this is reported as "not converged". */
export const ONSAGER_WARNING = 0.05;

export interface TransportCommandIo extends RunCommandIo {
  /** Default process.stdout: the table or the JSON object. */
  readonly stdout?: TextSink;
}

interface TransportOptions {
  config: string;
  json?: boolean;
  nv: number;
}

function nvOption(value: string): number {
  if (value !== '16' && value !== '32') {
    throw new InvalidArgumentError(
      `--nv must be 32 (default, accurate) or 16 (a quick estimate), got "${value}"`,
    );
  }
  return Number(value);
}

/** The background state of a config file: species densities, the density-weighted θ, γ, ε. */
export function transportStateOfConfig(path: string): TransportState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InvalidInputError(`cannot read the config file ${path}: ${e instanceof Error ? e.message : e}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InvalidInputError(
      `the config file ${path} is not valid JSON: ${e instanceof Error ? e.message : e}`,
    );
  }
  let config: ReturnType<typeof parseConfig>;
  try {
    config = parseConfig(json);
  } catch (e) {
    if (e instanceof InvalidParameterError)
      throw new InvalidInputError(`${path}: ${e.message}`, { cause: e });
    throw e;
  }
  const state = transportStateOf(config);
  if (state === null) {
    throw new InvalidInputError(
      `${path}: collisions.enabled = false: without collisions there are no transport coefficients (set it to true)`,
    );
  }
  return state;
}

/** The exact Maxwell-molecule values (γ = 0 only) and the relative errors of the solve. */
function exactCheck(state: TransportState, r: TransportCoefficients) {
  if (state.gamma !== 0) return null;
  const viscosity = maxwellMoleculeViscosity(state);
  const diffusion = maxwellMoleculeDiffusion(state);
  return {
    viscosity,
    diffusion,
    thermal_diffusion_ratio: 0,
    viscosity_relative_error: Math.abs(r.viscosity - viscosity) / viscosity,
    diffusion_relative_error: Math.abs(r.diffusion - diffusion) / diffusion,
    thermal_diffusion_ratio_error: Math.abs(r.thermalDiffusionRatio),
  };
}

export function registerTransportCommand(
  program: Command,
  solver: TransportSolver = solveTransport,
  io: TransportCommandIo = {},
): Command {
  const command = program
    .command('transport')
    .description(
      "the mixture's transport coefficients (η, λ, D_AB, k_T) at the config's background state, from L⁻¹",
    )
    .requiredOption(
      '--config <file.json>',
      'the run configuration (species, collisions.gamma, collisions.knudsen)',
    )
    .option('--json', 'one JSON object on stdout instead of the table')
    .option(
      '--nv <points>',
      'velocity points per axis of the solves: 32 (accurate) or 16 (a quick estimate)',
      nvOption,
      32,
    );
  return withOneLineErrors<TransportOptions>(command, io, async (options, stderr) => {
    const stdout = io.stdout ?? process.stdout;
    const state = transportStateOfConfig(options.config);
    const [A, B] = state.species;
    const started = Date.now();
    const result = solver(state, options.nv, (stage) =>
      stderr.write(
        `transport: solving L h = S for the ${stage} source (${((Date.now() - started) / 1000).toFixed(0)} s)\n`,
      ),
    );
    const exact = exactCheck(state, result);
    const g = result.grid;
    const record = {
      viscosity: result.viscosity,
      thermal_conductivity: result.thermalConductivity,
      diffusion: result.diffusion,
      thermal_diffusion_ratio: result.thermalDiffusionRatio,
      knudsen: result.knudsen,
      grid: {
        nv: g.nv,
        vmax: g.vmax,
        radial_nodes: g.nRho,
        sphere_points: [g.nTheta, g.nPhi],
        truncation: g.truncation,
        support_radius: g.support,
      },
      residual: result.residual,
      onsager_defect: result.onsagerDefect,
      iterations: {
        shear: result.iterations[0],
        heat: result.iterations[1],
        diffusion: result.iterations[2],
      },
      state: {
        density_A: A.density,
        density_B: B.density,
        temperature: state.temperature,
        mass_A: A.mass,
        mass_B: B.mass,
        diameter_A: A.diameter,
        diameter_B: B.diameter,
        gamma: state.gamma,
      },
      convention:
        'Chapman & Cowling, k_B = 1 (θ in energy units), the factor ε included; P = pI − η(∇u + ∇uᵀ − ⅔ ∇·u I), ' +
        'q = −λ∇θ at zero diffusion velocity, u_A − u_B = −(n²/(n_A n_B)) D_AB (∇(n_A/n) + k_T ∇ln θ)',
      exact_maxwell_molecules: exact,
    };
    if (options.json) {
      stdout.write(`${JSON.stringify(record, null, 2)}\n`);
      return;
    }
    const f = (x: number) => x.toExponential(4);
    const lines = [
      `transport coefficients at n_A = ${A.density}, n_B = ${B.density}, θ = ${state.temperature.toPrecision(6)} (density-weighted), γ = ${state.gamma}, ε = ${state.knudsen}`,
      `  shear viscosity         η    = ${f(result.viscosity)}   P_ij = p δ_ij − η (∂_i u_j + ∂_j u_i − ⅔ δ_ij ∇·u)`,
      `  thermal conductivity    λ    = ${f(result.thermalConductivity)}   q = −λ ∇θ when the diffusion velocities vanish`,
      `  mutual diffusion        D_AB = ${f(result.diffusion)}   u_A − u_B = −(n²/(n_A n_B)) D_AB ∇(n_A/n) at uniform p, θ`,
      `  thermal diffusion ratio k_T  = ${f(result.thermalDiffusionRatio)}   adds k_T ∇ln θ to the diffusion force`,
      `grid: N_v = ${g.nv}, L = ${g.vmax.toPrecision(4)}, N_ρ = ${g.nRho}, sphere ${g.nTheta} × ${g.nPhi}, R = ${g.truncation.toPrecision(4)}, support ball χ ${g.support.toPrecision(4)}; ` +
        `GMRES steps ${result.iterations.join('/')}, residual ${result.residual.toExponential(1)}`,
    ];
    lines.push(
      `Onsager reciprocity of the heat of diffusion and k_T: broken by ${(100 * result.onsagerDefect).toPrecision(2)} % ` +
        "(0 for an exact operator; a measure of this grid's error that needs no exact solution)",
    );
    if (result.onsagerDefect > ONSAGER_WARNING) {
      lines.push(
        `warning: the coefficients are not converged on this grid (Onsager defect above ${100 * ONSAGER_WARNING} %)` +
          (options.nv === 16
            ? ': use --nv 32'
            : ': soft potentials (γ < 0) are not resolved by the N_v = 32 box yet'),
      );
    }
    if (exact) {
      lines.push(
        `exact (Maxwell molecules): η ${f(exact.viscosity)} (${(100 * exact.viscosity_relative_error).toPrecision(2)} % off), ` +
          `D_AB ${f(exact.diffusion)} (${(100 * exact.diffusion_relative_error).toPrecision(2)} % off), k_T 0`,
      );
    }
    stdout.write(`${lines.join('\n')}\n`);
  });
}
