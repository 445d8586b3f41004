/**
 * Uniform struct layouts defined once: the WGSL declaration and the host-side packing both come
 * from one field list, laid out by the WGSL alignment rules (WGSL spec §"Alignment and Size"), so
 * no byte offset is ever written by hand. tests/gpu/gpu/struct.test.ts checks them on a real device.
 */

const SCALAR_TYPES = {
  f32: { align: 4, size: 4, components: 1 },
  u32: { align: 4, size: 4, components: 1 },
  i32: { align: 4, size: 4, components: 1 },
  vec2f: { align: 8, size: 8, components: 2 },
  vec3f: { align: 16, size: 12, components: 3 },
  vec4f: { align: 16, size: 16, components: 4 },
} as const;

export type FieldType = keyof typeof SCALAR_TYPES;
type FieldValue<T extends FieldType> = T extends 'f32' | 'u32' | 'i32' ? number : readonly number[];
export type StructValues<F extends Record<string, FieldType>> = { [K in keyof F]: FieldValue<F[K]> };

export interface StructLayout<F extends Record<string, FieldType>> {
  readonly name: string;
  readonly fields: F;
  /** Byte offset of each field. */
  readonly offsets: { readonly [K in keyof F]: number };
  /** Size in bytes, rounded to 16 so the struct is valid in a uniform buffer. */
  readonly byteSize: number;
  /** The WGSL `struct` declaration, prepended to shaders that use it. */
  readonly wgsl: string;
  pack(values: StructValues<F>, target?: ArrayBuffer): ArrayBuffer;
}

export function defineStruct<F extends Record<string, FieldType>>(name: string, fields: F): StructLayout<F> {
  const offsets = {} as Record<keyof F, number>;
  let offset = 0;
  let structAlign = 4;
  for (const [field, type] of Object.entries(fields) as [keyof F & string, FieldType][]) {
    const { align, size } = SCALAR_TYPES[type];
    offset = Math.ceil(offset / align) * align;
    offsets[field] = offset;
    offset += size;
    structAlign = Math.max(structAlign, align);
  }
  const byteSize = Math.ceil(offset / Math.max(16, structAlign)) * Math.max(16, structAlign);
  const members = Object.entries(fields).map(([field, type]) => `  ${field}: ${type},`);
  const wgsl = `struct ${name} {\n${members.join('\n')}\n}\n`;

  function pack(values: StructValues<F>, target = new ArrayBuffer(byteSize)): ArrayBuffer {
    const view = new DataView(target);
    for (const [field, type] of Object.entries(fields) as [keyof F & string, FieldType][]) {
      const value = values[field];
      const components = Array.isArray(value) ? (value as readonly number[]) : [value as number];
      if (components.length !== SCALAR_TYPES[type].components) {
        throw new RangeError(`${name}.${field}: expected ${SCALAR_TYPES[type].components} component(s)`);
      }
      components.forEach((c, i) => {
        const at = offsets[field] + 4 * i;
        if (type === 'u32') view.setUint32(at, c, true);
        else if (type === 'i32') view.setInt32(at, c, true);
        else view.setFloat32(at, c, true);
      });
    }
    return target;
  }
  return { name, fields, offsets, byteSize, wgsl, pack };
}
