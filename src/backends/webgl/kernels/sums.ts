// sum, sumSquares and biasGrad: row reductions (reduce.ts) written into their output buffers.
import { buf, type WebglKernel } from './common.ts';
import { rowReduce, sumChunkK, sumSqChunkK } from './reduce.ts';

export const sum: WebglKernel<'sum'> = (rt, { x, out, n }) => {
  const O = buf(out, 1, 'sum out');
  if (n === 0) { rt.fill(O, 0, 1); return; }
  rt.assign(O, rowReduce(rt, 'sum', sumChunkK, 1, n, [buf(x, n, 'sum x')], 1), 0, 1);
};

export const sumSquares: WebglKernel<'sumSquares'> = (rt, { x, out, n }) => {
  const O = buf(out, 1, 'sumSquares out');
  if (n === 0) { rt.fill(O, 0, 1); return; }
  rt.assign(O, rowReduce(rt, 'sumSquares', sumSqChunkK, 1, n, [buf(x, n, 'sumSquares x')], 1), 0, 1);
};

export const biasGrad: WebglKernel<'biasGrad'> = (rt, { dy, db, channels, inner }) => {
  if (channels === 0) return;
  const DB = buf(db, channels, 'biasGrad db');
  if (inner === 0) { rt.fill(DB, 0, channels); return; }
  rt.assign(DB, rowReduce(rt, 'sum', sumChunkK, channels, inner, [buf(dy, channels * inner, 'biasGrad dy')], 1), 0, channels);
};
