// Finding NaN and ±Infinity in inputs, so bad data is an error naming the sample instead of a
// plausible output or a later NaN cost (issue 15 §3).
import { shapeString } from './shape.ts';

/** The index of the first NaN or ±Infinity in `values`, or −1. The common case (all finite) is one
 *  branch-free pass: v·0 is 0 for every finite v and NaN for NaN and ±∞, so the sum is 0 exactly
 *  when all are finite (about 2 ns a value here, ~1.5 % of a CNN-1 training step at batch 128). */
export function firstNonFinite(values: ArrayLike<number>): number {
  let acc = 0;
  for (let i = 0; i < values.length; i++) acc += values[i] * 0;
  if (acc === 0) return -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) return i;
  }
  return -1;
}

/** Throws when `rows` (n samples of `features` values, sample-major) hold a non-finite value,
 *  naming `who`, the sample and the value's index within it. */
export function checkRowsFinite(who: string, rows: ArrayLike<number>, features: number): void {
  const i = firstNonFinite(rows);
  if (i < 0) return;
  throw new Error(`${who}: sample ${Math.floor(i / features)} holds ${rows[i]} at value ${i % features} ` +
    `(of ${features} per sample); inputs must be finite numbers`);
}

/** Throws when a batch x ([...inputShape, n], batch innermost) holds a non-finite value, naming
 *  `who`, the sample and the value's index within it. The sample is counted from `rowOffset` when
 *  given (a row of the whole data set), else within the batch. */
export function checkBatchFinite(who: string, x: ArrayLike<number>, n: number, where: { rowOffset?: number; inputShape?: readonly number[] } = {}): void {
  const i = firstNonFinite(x);
  if (i < 0) return;
  const { rowOffset, inputShape } = where;
  const sample = rowOffset === undefined ? `sample ${i % n} of the batch` : `sample ${rowOffset + (i % n)}`;
  const of = inputShape ? ` of ${shapeString(inputShape)}` : '';
  throw new Error(`${who} holds ${x[i]} in ${sample} (input value ${Math.floor(i / n)}${of}); inputs must be finite numbers`);
}
