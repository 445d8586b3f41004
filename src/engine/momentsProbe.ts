/**
 * The first end-to-end use of a kernel: build a perturbed slab, take its velocity moments on the
 * GPU (or with the float64 reference when there is no GPU) and return the fluid fields. The worker
 * and the CLI both call this, so the page and `npm run sim -- probe` show the same numbers.
 */
import { createStorageBuffer, readFloat32 } from '../gpu/buffers';
import { VelocityMoments } from '../gpu/VelocityMoments';
import { cellCentres, perturbedMaxwellian } from '../physics/initialData';
import { fluidFields, MOMENT_COUNT, velocityMoments } from '../physics/moments';
import { DEFAULT_PROBE, type ProbeSetup } from '../physics/probe';
import { velocityGrid } from '../physics/velocityGrid';

export interface ProbeResult {
  readonly backend: 'webgpu' | 'cpu';
  readonly x: Float64Array;
  readonly density: Float64Array;
  readonly velocity1: Float64Array;
  readonly temperature: Float64Array;
  /** Largest relative error of the GPU moments against the float64 reference (0 on the CPU). */
  readonly maxRelativeError: number;
  readonly milliseconds: number;
}

export async function momentsProbe(
  device: GPUDevice | null,
  setup: ProbeSetup = DEFAULT_PROBE,
): Promise<ProbeResult> {
  const thermal = Math.sqrt(
    (setup.species.temperature * (1 + Math.abs(setup.perturbation.amplitude))) / setup.species.mass,
  );
  const grid = velocityGrid(setup.nv, 7 * thermal);
  const f = perturbedMaxwellian(grid, setup.nx, setup.length, setup.species, setup.perturbation);
  const reference = velocityMoments(f, grid, setup.nx, setup.species.mass);
  const start = performance.now();
  let moments: ArrayLike<number> = reference;
  let maxRelativeError = 0;
  if (device) {
    const kernel = await VelocityMoments.create(device, grid, setup.nx);
    kernel.setParameters({ mass: setup.species.mass });
    const input = createStorageBuffer(device, 'probe.distribution', f);
    const encoder = device.createCommandEncoder({ label: 'momentsProbe' });
    kernel.record(encoder, input);
    device.queue.submit([encoder.finish()]);
    const gpu = await readFloat32(device, kernel.output, reference.length);
    input.destroy();
    kernel.destroy();
    moments = gpu;
    // density and energy (positive integrands) measure the kernel's arithmetic honestly
    for (let i = 0; i < reference.length; i++) {
      if (i % MOMENT_COUNT !== 0 && i % MOMENT_COUNT !== 4) continue;
      const err = Math.abs(gpu[i]! - reference[i]!) / Math.abs(reference[i]!);
      maxRelativeError = Number.isFinite(err) ? Math.max(maxRelativeError, err) : Number.POSITIVE_INFINITY;
    }
  }
  const fields = fluidFields(moments, setup.species.mass);
  return {
    backend: device ? 'webgpu' : 'cpu',
    x: cellCentres(setup.nx, setup.length),
    ...fields,
    maxRelativeError,
    milliseconds: performance.now() - start,
  };
}
