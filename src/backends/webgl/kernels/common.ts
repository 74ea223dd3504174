// Shared pieces of the webgl kernel glue: the glue signature and the checked buffer accessor.
import type { DeviceBuffer } from '../../backend.ts';
import type { KernelArgs, KernelName, WindowGeometry } from '../../../kernels.ts';
import { WebglBuffer } from '../buffer.ts';
import type { GpuRuntime } from '../runtime.ts';

/** A kernel of the contract on the webgl backend: checks its buffers, runs gpu.js kernels. */
export type WebglKernel<K extends KernelName> = (rt: GpuRuntime, args: KernelArgs<DeviceBuffer>[K]) => void;

/** A live webgl buffer holding at least `min` values, or an error naming the argument. */
export function buf(b: DeviceBuffer, min: number, what: string): WebglBuffer {
  if (!(b instanceof WebglBuffer)) {
    throw new Error(`webgl backend: ${what} is not a webgl buffer (it belongs to backend '${b.backendName}')`);
  }
  if (b.disposed) throw new Error(`webgl backend: ${what} was disposed`);
  if (b.size < min) throw new Error(`webgl backend: ${what} has ${b.size} elements, the kernel needs ${min}`);
  return b;
}

/** The window constants in the order every window native takes them (natives.ts GEOM). */
export function geometryConstants(g: WindowGeometry): Record<string, number> {
  const [D, H, W] = g.inSize, [T, R, S] = g.window, [OD, OH, OW] = g.outSize;
  const [sd, sh, sw] = g.stride, [pd, ph, pw] = g.pad, [dd, dh, dw] = g.dilation;
  return { N: g.batch, D, H, W, T, R, S, OD, OH, OW, sd, sh, sw, pd, ph, pw, dd, dh, dw };
}

export function windowSizes(g: WindowGeometry): { cells: number; positions: number; taps: number } {
  const [D, H, W] = g.inSize, [T, R, S] = g.window, [OD, OH, OW] = g.outSize;
  return { cells: D * H * W, positions: OD * OH * OW, taps: T * R * S };
}
