// The argument checks every convolution glue shares (im2col, Winograd and direct kernels take the
// same arguments per pass): k a positive integer and every buffer as large as the kernel touches.
import type { KernelArgs } from '../../../kernels.ts';
import type { DeviceBuffer } from '../../backend.ts';
import { needFloat, type WindowSizes, windowSizes } from './common.ts';

type Args = KernelArgs<DeviceBuffer>;

function needFilters(kernel: string, k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new Error(`wasm ${kernel}: k must be a positive integer, got ${k}`);
}

/** convForward's and winogradForward's checks; returns the window's sizes. */
export function checkConvForward(kernel: string, a: Args['convForward']): WindowSizes {
  const z = windowSizes(a.g);
  needFilters(kernel, a.k);
  needFloat(kernel, 'x', a.x, z.input);
  needFloat(kernel, 'w', a.w, a.k * z.rows);
  needFloat(kernel, 'y', a.y, a.k * z.columns);
  if (a.scale) needFloat(kernel, 'scale', a.scale, a.k);
  if (a.shift) needFloat(kernel, 'shift', a.shift, a.k);
  return z;
}

/** convInputGrad's and winogradInputGrad's checks; returns the window's sizes. */
export function checkConvInputGrad(kernel: string, a: Args['convInputGrad']): WindowSizes {
  const z = windowSizes(a.g);
  needFilters(kernel, a.k);
  needFloat(kernel, 'dy', a.dy, a.k * z.columns);
  needFloat(kernel, 'w', a.w, a.k * z.rows);
  needFloat(kernel, 'dx', a.dx, z.input);
  return z;
}

/** convWeightGrad's, winogradWeightGrad's and directConvWeightGrad's checks; returns the window's sizes. */
export function checkConvWeightGrad(kernel: string, a: Args['convWeightGrad']): WindowSizes {
  const z = windowSizes(a.g);
  needFilters(kernel, a.k);
  needFloat(kernel, 'x', a.x, z.input);
  needFloat(kernel, 'dy', a.dy, a.k * z.columns);
  needFloat(kernel, 'dw', a.dw, a.k * z.rows);
  return z;
}
