// Shapes and window geometry, computed and validated once per op call.
// Output size, conv and pool alike (neon backend.py:504-531):
//   out = floor((X + 2·pad − (dil·(k − 1) + 1)) / stride) + 1
import type { WindowGeometry } from './kernels.ts';

export type PerDim = number | readonly number[];

export interface WindowOptions {
  stride?: PerDim;
  pad?: PerDim;
  dilation?: PerDim;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function shapeString(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Throws unless every dimension is a positive integer. */
export function checkShape(op: string, what: string, shape: readonly number[]): void {
  if (shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new Error(`${op}: ${what} must have positive integer dimensions, got ${shapeString(shape)}`);
  }
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Expands a number or per-dimension list to `dims` entries, checking each value. */
export function perDim(op: string, name: string, value: PerDim | undefined, dims: number, fallback: number, min: number): number[] {
  const list = value === undefined ? new Array<number>(dims).fill(fallback)
    : typeof value === 'number' ? new Array<number>(dims).fill(value) : [...value];
  if (list.length !== dims) {
    throw new Error(`${op}: ${name} needs ${dims} value(s) for ${dims} spatial dim(s), got ${list.length} (${JSON.stringify(value)})`);
  }
  for (const v of list) {
    if (!Number.isInteger(v) || v < min) throw new Error(`${op}: ${name} must be an integer ≥ ${min}, got ${v}`);
  }
  return list;
}

export function outputSize(x: number, k: number, stride: number, pad: number, dilation: number): number {
  return Math.floor((x + 2 * pad - (dilation * (k - 1) + 1)) / stride) + 1;
}

/** Left-pads a 1–3 entry spatial list to depth-height-width with `fill`. */
function to3(list: readonly number[], fill: number): [number, number, number] {
  const out: number[] = [fill, fill, fill];
  for (let i = 0; i < list.length; i++) out[3 - list.length + i] = list[i];
  return [out[0], out[1], out[2]];
}

/**
 * Geometry of a window sliding over x = [C, ...spatial, N] (1–3 spatial dims).
 * `pooling` adds neon's pooling rule: padding must be smaller than the window (backend.py:528).
 */
export function windowGeometry(
  op: string,
  xShape: readonly number[],
  window: readonly number[],
  opts: WindowOptions,
  pooling: boolean,
): WindowGeometry {
  checkShape(op, 'input', xShape);
  const dims = xShape.length - 2;
  if (dims < 1 || dims > 3) {
    throw new Error(`${op}: input must be [C, ...1 to 3 spatial dims, N], got ${shapeString(xShape)}`);
  }
  if (window.length !== dims) {
    throw new Error(`${op}: window ${shapeString(window)} has ${window.length} dim(s), input ${shapeString(xShape)} has ${dims} spatial dim(s)`);
  }
  checkShape(op, 'window', window);
  const spatial = xShape.slice(1, 1 + dims);
  const stride = perDim(op, 'stride', opts.stride, dims, 1, 1);
  const pad = perDim(op, 'padding', opts.pad, dims, 0, 0);
  const dilation = perDim(op, 'dilation', opts.dilation, dims, 1, 1);
  const out: number[] = [];
  for (let i = 0; i < dims; i++) {
    if (pooling && pad[i] >= window[i]) {
      throw new Error(`${op}: padding must be smaller than the window, got padding ${pad[i]} for window ${window[i]}`);
    }
    const span = dilation[i] * (window[i] - 1) + 1;
    if (span > spatial[i] + 2 * pad[i]) {
      throw new Error(`${op}: the ${dilation[i] > 1 ? 'dilated ' : ''}window spans ${span} cells but the padded input has ` +
        `${spatial[i] + 2 * pad[i]} (input ${spatial[i]}, padding ${pad[i]}) in spatial dim ${i}`);
    }
    out.push(outputSize(spatial[i], window[i], stride[i], pad[i], dilation[i]));
  }
  return {
    channels: xShape[0],
    batch: xShape[xShape.length - 1],
    inSize: to3(spatial, 1),
    window: to3(window, 1),
    stride: to3(stride, 1),
    pad: to3(pad, 0),
    dilation: to3(dilation, 1),
    outSize: to3(out, 1),
  };
}

/** Whether a convolution can run by Winograd's F(2×2, 3×3) (the optional winograd* kernels): a
 *  2-D 3×3 window with stride 1, any padding and dilation (a 3-D geometry of depth 1 with a
 *  1×3×3 window counts as 2-D). */
export function winogradEligible(g: WindowGeometry): boolean {
  return g.inSize[0] === 1 && g.window[0] === 1 && g.window[1] === 3 && g.window[2] === 3 &&
    g.stride.every((v) => v === 1) && g.pad[0] === 0;
}

/** Whether every output position of g sees every input position through some tap (the optional
 *  denseConv* kernels: the convolution is then a dense layer with shared weights). Each axis
 *  decides on its own, since a pair of positions has a tap exactly when each axis's pair does:
 *  input i = o·stride − pad + r·dilation for some r in [0, window). ResNet's 3×3, padding 1 layers
 *  on a 2×2 or 1×1 map qualify. No allocation: the planner asks for every convolution. */
export function denseEligible(g: WindowGeometry): boolean {
  for (let a = 0; a < 3; a++) {
    // Every pair needs its own tap: at most as many input positions as taps along the axis.
    if (g.inSize[a] > g.window[a]) return false;
    for (let o = 0; o < g.outSize[a]; o++) {
      for (let i = 0; i < g.inSize[a]; i++) {
        const r = (i - o * g.stride[a] + g.pad[a]) / g.dilation[a];
        if (!Number.isInteger(r) || r < 0 || r >= g.window[a]) return false;
      }
    }
  }
  return true;
}

/** For a geometry denseEligible accepts, the tap joining output position o and input position i
 *  (each row-major over the spatial dims) at taps[o·inPositions + i], the taps row-major over
 *  T × R × S; null for any other geometry. */
export function denseTaps(g: WindowGeometry): { taps: Int32Array; outPositions: number; inPositions: number } | null {
  if (!denseEligible(g)) return null;
  const po = sizeOf(g.outSize), pi = sizeOf(g.inSize);
  const taps = new Int32Array(po * pi);
  for (let o = 0; o < po; o++) {
    const oc = [Math.floor(o / (g.outSize[1] * g.outSize[2])), Math.floor(o / g.outSize[2]) % g.outSize[1], o % g.outSize[2]];
    for (let i = 0; i < pi; i++) {
      const ic = [Math.floor(i / (g.inSize[1] * g.inSize[2])), Math.floor(i / g.inSize[2]) % g.inSize[1], i % g.inSize[2]];
      let tap = 0;
      for (let a = 0; a < 3; a++) tap = tap * g.window[a] + (ic[a] - oc[a] * g.stride[a] + g.pad[a]) / g.dilation[a];
      taps[o * pi + i] = tap;
    }
  }
  return { taps, outPositions: po, inPositions: pi };
}

/** Why a kernel of the Winograd or dense family cannot take g (the same words from every
 *  backend), or null where it can. */
export function convWayMismatch(way: 'winograd' | 'dense', g: WindowGeometry): string | null {
  if (way === 'winograd') {
    return winogradEligible(g) ? null
      : `Winograd F(2×2, 3×3) needs a 2-D 3×3 window with stride 1, got window ${g.window.join('×')} stride ${g.stride.join('×')} input ${g.inSize.join('×')}`;
  }
  return denseEligible(g) ? null
    : `needs a window that covers the whole input from every output position, got window ${g.window.join('×')} input ${g.inSize.join('×')} output ${g.outSize.join('×')}`;
}

/** Whether a convolution's weight gradient can run by the optional directConvWeightGrad kernel: a
 *  batch divisible by 4 (it takes 4 images at a time). */
export function directEligible(g: WindowGeometry): boolean {
  return g.batch % 4 === 0;
}

/** The spatial output dims of a geometry, as many as the input had. */
export function spatialOut(g: WindowGeometry, dims: number): number[] {
  return g.outSize.slice(3 - dims);
}
