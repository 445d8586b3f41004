/**
 * Device acquisition, one code path for the three places the kernels run: the browser main
 * thread (navigator.gpu), a dedicated Web Worker (self.navigator.gpu, where the simulation lives)
 * and Node (the `webgpu` package, Dawn; see node.ts). The caller passes the GPU object it has;
 * everything after that is shared, so a kernel cannot behave differently in a test than in the app.
 */

export type GpuHost = 'browser-main' | 'browser-worker' | 'node';

/** What the adapter is and what we got from it; shown on the page and in CLI output. */
export interface AdapterReport {
  readonly host: GpuHost;
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** The adapter says it is a fallback (software or limited) adapter. */
  readonly isFallbackAdapter: boolean;
  /** Fallback, or a CPU rasteriser by name (SwiftShader, llvmpipe/lavapipe, WARP): timings are not a GPU's. */
  readonly isSoftware: boolean;
  readonly features: readonly string[];
  /** The limits the device was created with (we ask for the adapter's maxima where kernels need them). */
  readonly limits: Readonly<Record<string, number>>;
}

export interface GpuContext {
  readonly adapter: GPUAdapter;
  readonly device: GPUDevice;
  readonly report: AdapterReport;
}

/** WebGPU cannot be used here; `advice` says what to do about it, in words a user can act on. */
export class WebGpuUnavailableError extends Error {
  constructor(
    readonly host: GpuHost,
    readonly reason: string,
    readonly advice: string,
  ) {
    super(`WebGPU is unavailable (${host}): ${reason}. ${advice}`);
    this.name = 'WebGpuUnavailableError';
  }
}

const CPU_FALLBACK_ADVICE = 'The float64 CPU reference backend still runs, on small grids only.';

export function unavailableAdvice(host: GpuHost): string {
  if (host === 'node') {
    return (
      'Dawn found no usable Vulkan adapter. On Debian without a GPU: `apt-get install chromium libvulkan1` ' +
      'and run with VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json (SwiftShader, on the CPU); ' +
      'with an NVIDIA GPU, install libvulkan1 and the driver and point VK_DRIVER_FILES at its ICD JSON. ' +
      `Or pass --backend cpu. ${CPU_FALLBACK_ADVICE}`
    );
  }
  return (
    'Use Chrome or Edge 113+ (on Linux start Chromium with --enable-unsafe-webgpu --enable-features=Vulkan), ' +
    'Safari 26+, or Firefox 141+; check that hardware acceleration is on (chrome://gpu lists WebGPU). ' +
    CPU_FALLBACK_ADVICE
  );
}

/** Limits the kernels care about; the device is created with the adapter's own maxima for these. */
const REQUESTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
] as const;

const OPTIONAL_FEATURES: readonly GPUFeatureName[] = ['timestamp-query'];

export interface AcquireOptions {
  powerPreference?: GPUPowerPreference;
  /** Called once if the device is lost (driver reset, destroy()); recovery is the caller's. */
  onDeviceLost?: (info: GPUDeviceLostInfo) => void;
  /** Validation errors nobody captured with an error scope; default: console.error. */
  onUncapturedError?: (error: GPUError) => void;
}

export async function acquireGpu(
  gpu: GPU | undefined,
  host: GpuHost,
  options: AcquireOptions = {},
): Promise<GpuContext> {
  if (!gpu)
    throw new WebGpuUnavailableError(
      host,
      'this environment has no WebGPU (navigator.gpu is missing)',
      unavailableAdvice(host),
    );
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' });
  } catch (e) {
    throw new WebGpuUnavailableError(
      host,
      `requestAdapter() failed: ${(e as Error).message}`,
      unavailableAdvice(host),
    );
  }
  if (!adapter) {
    throw new WebGpuUnavailableError(
      host,
      'no WebGPU adapter was returned (GPU blocklisted, disabled or missing a driver)',
      unavailableAdvice(host),
    );
  }
  const requiredLimits: Record<string, number> = {};
  for (const name of REQUESTED_LIMITS) {
    const value = (adapter.limits as unknown as Record<string, number | undefined>)[name];
    if (typeof value === 'number') requiredLimits[name] = value;
  }
  const requiredFeatures = OPTIONAL_FEATURES.filter((f) => adapter.features.has(f));
  const device = await adapter.requestDevice({
    label: `vpb device (${host})`,
    requiredLimits,
    requiredFeatures,
  });
  device.lost.then((info) => {
    if (info.reason !== 'destroyed' || options.onDeviceLost) options.onDeviceLost?.(info);
  });
  device.addEventListener('uncapturederror', (event) => {
    const error = (event as GPUUncapturedErrorEvent).error;
    if (options.onUncapturedError) options.onUncapturedError(error);
    else console.error(`WebGPU error (${host}): ${error.message}`);
  });
  return { adapter, device, report: adapterReport(adapter, device, host) };
}

/** Fallback, or a CPU rasteriser by name: timings from it are not a GPU's, and kernels may tune for it. */
export function isSoftwareAdapterInfo(info: GPUAdapterInfo, isFallbackAdapter = false): boolean {
  const names = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`;
  const fallback =
    isFallbackAdapter ||
    Boolean((info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter);
  return fallback || /swiftshader|llvmpipe|lavapipe|warp|software/i.test(names);
}

export function adapterReport(adapter: GPUAdapter, device: GPUDevice, host: GpuHost): AdapterReport {
  const info = adapter.info;
  const isFallbackAdapter = Boolean(
    (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter ??
      (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter,
  );
  const limits: Record<string, number> = {};
  for (const name of REQUESTED_LIMITS) {
    const value = (device.limits as unknown as Record<string, number | undefined>)[name];
    if (typeof value === 'number') limits[name] = value;
  }
  return {
    host,
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    isFallbackAdapter,
    isSoftware: isSoftwareAdapterInfo(info, isFallbackAdapter),
    features: [...device.features].map(String).sort(),
    limits,
  };
}

/** One line for logs and the page: "google swiftshader (SwiftShader driver 5.0.0), software". */
export function describeAdapter(r: AdapterReport): string {
  const name = [r.vendor, r.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  const detail = r.description || r.device;
  return `${name}${detail ? ` (${detail})` : ''}${r.isSoftware ? ', software (CPU) adapter' : ''}`;
}
