/**
 * WebGPU in Node through the `webgpu` package (Google's Dawn). Only this file imports it, so the
 * browser bundle never does. The rest is acquireGpu() from context.ts, the same as in a browser.
 */
import { existsSync } from 'node:fs';
import { type AcquireOptions, acquireGpu, type GpuContext, WebGpuUnavailableError } from './context';

/** Debian's Chromium ships SwiftShader's Vulkan driver here (WEBGPU-TESTING.md). */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

// The object from create() must stay referenced (not assigned to the global navigator: that keeps
// Node from exiting, per the package's README).
let dawn: GPU | undefined;

async function createDawnGpu(): Promise<GPU> {
  const { create, globals } = await import('webgpu');
  // GPUBufferUsage, GPUMapMode, GPUShaderStage ... as in a browser.
  Object.assign(globalThis, globals);
  dawn = create([]) as unknown as GPU;
  return dawn;
}

/**
 * A device in Node. With VK_ICD_FILENAMES unset, the system's Vulkan drivers are tried first
 * (a real GPU), then SwiftShader when Chromium's copy is installed; the report says which it got.
 */
export async function acquireNodeGpu(options: AcquireOptions = {}): Promise<GpuContext> {
  try {
    return await acquireGpu(dawn ?? (await createDawnGpu()), 'node', options);
  } catch (e) {
    const canFallBack = !process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD);
    if (!(e instanceof WebGpuUnavailableError) || !canFallBack) throw e;
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD; // Dawn reads it when the instance is created
    return await acquireGpu(await createDawnGpu(), 'node', options);
  }
}
