/**
 * Compute pipelines from WGSL source with named `override` constants (sizes live there, physical
 * parameters in uniforms, so a slider never rebuilds a pipeline). Compilation errors come back
 * with the shader's label, line and column instead of a bare validation failure. Each pipeline's
 * binding names are recorded for BindGroupCache (bindings.ts).
 */
import { declareBindings } from './bindings';

export interface ComputePipelineSpec {
  label: string;
  /** WGSL source; `prelude` (struct declarations from struct.ts) is prepended. */
  code: string;
  prelude?: string;
  entryPoint?: string;
  constants?: Record<string, number>;
}

export class ShaderCompileError extends Error {
  constructor(
    label: string,
    readonly messages: readonly string[],
  ) {
    super(`WGSL compilation of ${label} failed:\n${messages.join('\n')}`);
    this.name = 'ShaderCompileError';
  }
}

/**
 * Pipelines already built on a device, by their full spec: a restart with new physical parameters
 * (a new session on the same grid) reuses them instead of compiling every kernel again, which
 * costs seconds on a software adapter. Pipelines are immutable and 'auto' layouts are per
 * pipeline, so sharing one between sessions is safe.
 */
const pipelineCache = new WeakMap<GPUDevice, Map<string, Promise<GPUComputePipeline>>>();

export function buildComputePipeline(
  device: GPUDevice,
  spec: ComputePipelineSpec,
): Promise<GPUComputePipeline> {
  const constants = Object.entries(spec.constants ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  const key = JSON.stringify([
    spec.label,
    spec.prelude ?? '',
    spec.code,
    spec.entryPoint ?? 'main',
    constants,
  ]);
  let cache = pipelineCache.get(device);
  if (!cache) {
    cache = new Map();
    pipelineCache.set(device, cache);
  }
  const cached = cache.get(key);
  if (cached) return cached;
  const built = compileComputePipeline(device, spec);
  cache.set(key, built);
  // a failure is not remembered: the next call reports it afresh
  built.catch(() => cache.delete(key));
  return built;
}

async function compileComputePipeline(
  device: GPUDevice,
  spec: ComputePipelineSpec,
): Promise<GPUComputePipeline> {
  const prelude = spec.prelude ?? '';
  // Line numbers reported against the .wgsl file itself, not the prepended declarations.
  const preludeLines = prelude.split('\n').length - 1;
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ label: spec.label, code: prelude + spec.code });
  const info = await module.getCompilationInfo();
  const scopeError = await device.popErrorScope();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length > 0 || scopeError) {
    const where = (m: GPUCompilationMessage) =>
      m.lineNum > preludeLines
        ? `${m.lineNum - preludeLines}:${m.linePos}`
        : `prelude ${m.lineNum}:${m.linePos}`;
    const messages = errors.map((m) => `  ${spec.label}:${where(m)} ${m.message}`);
    throw new ShaderCompileError(spec.label, messages.length > 0 ? messages : [`  ${scopeError?.message}`]);
  }
  let pipeline: GPUComputePipeline;
  try {
    pipeline = await device.createComputePipelineAsync({
      label: spec.label,
      layout: 'auto',
      compute: { module, entryPoint: spec.entryPoint ?? 'main', constants: spec.constants ?? {} },
    });
  } catch (e) {
    throw new ShaderCompileError(spec.label, [`  pipeline creation: ${(e as Error).message}`]);
  }
  declareBindings(pipeline, prelude + spec.code);
  return pipeline;
}
