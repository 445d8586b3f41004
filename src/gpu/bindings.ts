/**
 * Bind groups by name. A kernel's resources are given by the names of its WGSL variables
 * (`@group(0) @binding(i) var<…> name`, read from the source its pipeline was built from), so no
 * caller writes a binding number or pads a list with nulls for the bindings an entry point does not
 * use; and every kernel class keeps its groups in one BindGroupCache, keyed by the pipeline and the
 * buffer ranges bound, so a record() creates a group only the first time it sees those buffers.
 */

/** A whole buffer, or a range of one. */
export type BindingResource = GPUBuffer | GPUBufferBinding;

/** Group-0 variable name → binding index of every `@group(0) @binding(i) var… name` in `code`. */
export function wgslBindings(code: string): ReadonlyMap<string, number> {
  const bindings = new Map<string, number>();
  for (const [, group, binding, name] of code.matchAll(
    /@group\((\d+)\)\s*@binding\((\d+)\)\s*var(?:<[^>]*>)?\s+(\w+)/g,
  )) {
    if (group !== '0') continue;
    if (bindings.has(name!)) throw new Error(`WGSL binding ${name} is declared twice`);
    bindings.set(name!, Number(binding));
  }
  return bindings;
}

const pipelineBindings = new WeakMap<GPUComputePipeline, ReadonlyMap<string, number>>();

/** Records the binding names of a pipeline's source (buildComputePipeline does, for every pipeline). */
export function declareBindings(pipeline: GPUComputePipeline, code: string): void {
  pipelineBindings.set(pipeline, wgslBindings(code));
}

/** A small number per object, for cache keys (weak: the object is not kept alive). */
const ids = new WeakMap<object, number>();
let nextId = 0;
function idOf(object: object): number {
  let id = ids.get(object);
  if (id === undefined) {
    id = nextId++;
    ids.set(object, id);
  }
  return id;
}

function asBinding(resource: BindingResource): GPUBufferBinding {
  return 'buffer' in resource ? resource : { buffer: resource };
}

export class BindGroupCache {
  private readonly groups = new Map<string, GPUBindGroup>();

  constructor(private readonly device: GPUDevice) {}

  /**
   * Group 0 of `pipeline` with each named WGSL variable bound to its buffer (or range): exactly the
   * bindings the pipeline's entry point uses ('auto' layouts hold only those). Created once per
   * pipeline and buffer ranges.
   */
  get(pipeline: GPUComputePipeline, resources: Readonly<Record<string, BindingResource>>): GPUBindGroup {
    const names = pipelineBindings.get(pipeline);
    if (!names) throw new Error(`${pipeline.label}: not built by buildComputePipeline (no binding names)`);
    const entries = Object.entries(resources).map(([name, resource]) => {
      const binding = names.get(name);
      if (binding === undefined) {
        throw new Error(
          `${pipeline.label} has no binding named ${name} (it has ${[...names.keys()].join(', ')})`,
        );
      }
      return { binding, resource: asBinding(resource) };
    });
    const key = [
      idOf(pipeline),
      ...entries.map(
        ({ binding, resource: r }) => `${binding}:${idOf(r.buffer)}@${r.offset ?? 0}+${r.size ?? ''}`,
      ),
    ].join(' ');
    let group = this.groups.get(key);
    if (!group) {
      const buffers = entries.map(({ resource }) => resource.buffer.label).join(', ');
      group = this.device.createBindGroup({
        label: `${pipeline.label}(${buffers})`,
        layout: pipeline.getBindGroupLayout(0),
        entries,
      });
      this.groups.set(key, group);
    }
    return group;
  }

  /** Forgets every group (after the buffers they bind were replaced). */
  clear(): void {
    this.groups.clear();
  }
}
