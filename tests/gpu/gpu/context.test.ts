import { describe, expect, it } from 'vitest';
import { acquireGpu, describeAdapter, WebGpuUnavailableError } from '../../../src/gpu/context';
import { testGpu } from '../../support/gpu';

describe('GPU context in Node (Dawn)', () => {
  it('finds an adapter and reports what it is and the limits it got', async () => {
    const { report, device } = await testGpu();
    expect(report.host).toBe('node');
    expect(report.vendor.length + report.architecture.length).toBeGreaterThan(0);
    expect(report.limits.maxStorageBufferBindingSize).toBe(device.limits.maxStorageBufferBindingSize);
    // we ask for the adapter's maxima, not WebGPU's 128 MiB default
    expect(report.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 1024 * 1024);
    if (/swiftshader/i.test(`${report.architecture} ${report.description}`)) {
      expect(report.isSoftware).toBe(true);
      expect(describeAdapter(report)).toMatch(/software/);
    }
  });

  it('fails with an actionable message when there is no WebGPU', async () => {
    await expect(acquireGpu(undefined, 'browser-worker')).rejects.toThrow(WebGpuUnavailableError);
    await expect(acquireGpu(undefined, 'browser-main')).rejects.toThrow(
      /enable-unsafe-webgpu.*CPU reference/s,
    );
    const noAdapter = { requestAdapter: async () => null } as unknown as GPU;
    await expect(acquireGpu(noAdapter, 'node')).rejects.toThrow(/no WebGPU adapter.*VK_ICD_FILENAMES/s);
  });
});
