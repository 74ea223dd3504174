// Converting what users hand the model into Argon's layout: rows of samples (NCHW / N×F, the
// user's layout) into batches [...shape, n] with the batch innermost, and outputs back to rows.
import { sizeOf, shapeString } from '../shape.ts';

/** rows: n samples of `features` values each, sample-major → [features, n], batch innermost. */
export function rowsToBatch(rows: ArrayLike<number>, start: number, n: number, features: number): Float32Array {
  const out = new Float32Array(features * n);
  for (let j = 0; j < n; j++) {
    const base = (start + j) * features;
    for (let i = 0; i < features; i++) out[i * n + j] = rows[base + i];
  }
  return out;
}

/** [nout, n] batch-innermost → rows [n, nout] written at row `start` of `into`. */
export function batchToRows(batch: ArrayLike<number>, n: number, nout: number, into: Float32Array, start: number): void {
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < nout; k++) into[(start + j) * nout + k] = batch[k * n + j];
  }
}

export function checkRows(op: string, rows: ArrayLike<number>, inputShape: readonly number[]): number {
  const features = sizeOf(inputShape);
  if (rows.length === 0 || rows.length % features !== 0) {
    throw new Error(`${op}: ${rows.length} values are not a whole number of samples of shape ${shapeString(inputShape)} (${features} values each)`);
  }
  return rows.length / features;
}

/** Browser ImageData (RGBA, row-major) without depending on the DOM types at run time. */
export interface ImageDataLike { data: ArrayLike<number>; width: number; height: number }

export function isImageData(v: unknown): v is ImageDataLike {
  return typeof v === 'object' && v !== null && 'data' in v && 'width' in v && 'height' in v;
}
