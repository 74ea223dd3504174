// sum, sumSquares and biasGrad: row reductions (reduce.ts) written into their output buffers. An
// output longer than the result keeps its tail.
import { buf, type WebglKernel } from './common.ts';
import { fill } from './elementwise.ts';
import { storePrefix } from './map.ts';
import { rowReduce, SUM, SUM_SQUARES } from './reduce.ts';

export const sum: WebglKernel<'sum'> = (rt, { x, out, n }) => {
  const O = buf(out, 1, 'sum out');
  if (n === 0) { fill(rt, { x: O, n: 1, value: 0 }); return; }
  storePrefix(rt, O, rowReduce(rt, SUM, 1, n, [buf(x, n, 'sum x')], 1), 1);
};

export const sumSquares: WebglKernel<'sumSquares'> = (rt, { x, out, n }) => {
  const O = buf(out, 1, 'sumSquares out');
  if (n === 0) { fill(rt, { x: O, n: 1, value: 0 }); return; }
  storePrefix(rt, O, rowReduce(rt, SUM_SQUARES, 1, n, [buf(x, n, 'sumSquares x')], 1), 1);
};

export const biasGrad: WebglKernel<'biasGrad'> = (rt, { dy, db, channels, inner }) => {
  if (channels === 0) return;
  const DB = buf(db, channels, 'biasGrad db');
  if (inner === 0) { fill(rt, { x: DB, n: channels, value: 0 }); return; }
  storePrefix(rt, DB, rowReduce(rt, SUM, channels, inner, [buf(dy, channels * inner, 'biasGrad dy')], 1), channels);
};
