/**
 * Telling a lost GPU device and getting another, for the two things that outlive a device:
 * RecoveringSession (the run rebuilt from its checkpoint) and the worker's ε-sweep (only the
 * interrupted run redone). A device is lost when device.lost resolves, for any reason: a driver
 * reset, a GPU process crash, or destroy() by a test. A GPU call can fail before device.lost
 * resolves, so a failure waits LOSS_GRACE_MS for it before it counts as the call's own error.
 */

/** How long a failed call waits for device.lost to say whether the device was the cause. */
export const LOSS_GRACE_MS = 250;

/** The device a run is on (null: the float64 CPU backend), watched for its loss. */
export class DeviceWatch {
  private watched: GPUDevice | null = null;
  private reason: string | null = null;

  /** `acquire` gives the device to go on with after a loss (null or a throw: the CPU backend). */
  constructor(
    device: GPUDevice | null,
    private readonly acquire: () => Promise<GPUDevice | null>,
  ) {
    this.watch(device);
  }

  get device(): GPUDevice | null {
    return this.watched;
  }

  /** Why the device was lost, from the loss until replace(); null while it is not known lost. */
  get lost(): string | null {
    return this.reason;
  }

  /** Whether the device is lost: device.lost, given LOSS_GRACE_MS to settle after a failed call. */
  async wasLost(): Promise<boolean> {
    if (this.reason) return true;
    const device = this.watched;
    if (!device) return false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), LOSS_GRACE_MS);
    });
    const info = await Promise.race([device.lost, grace]);
    clearTimeout(timer);
    if (info && !this.reason) this.reason = `${info.reason}: ${info.message}`;
    return info !== null;
  }

  /**
   * After a loss: a device from `acquire` (none: the CPU backend), given to `rebuild`, and watched
   * from then on. A rebuild that throws leaves the lost device in place, so the next call tries
   * again. Resolves to what was done, in words ("a new device was acquired" or the CPU fallback).
   */
  async replace(rebuild: (device: GPUDevice | null) => Promise<void> = async () => {}): Promise<string> {
    let device: GPUDevice | null = null;
    let noGpu = '';
    try {
      device = await this.acquire();
      if (!device) noGpu = 'no GPU is available';
    } catch (e) {
      noGpu = e instanceof Error ? e.message : String(e);
    }
    await rebuild(device);
    this.reason = null;
    this.watch(device);
    return device ? 'a new device was acquired' : `continuing on the float64 CPU backend (${noGpu})`;
  }

  /** Stops watching; the device belongs to the caller and stays alive. */
  release(): void {
    this.watched = null;
  }

  private watch(device: GPUDevice | null): void {
    this.watched = device;
    void device?.lost.then((info) => {
      if (this.watched === device) this.reason = `${info.reason}: ${info.message || 'no message'}`;
    });
  }
}
