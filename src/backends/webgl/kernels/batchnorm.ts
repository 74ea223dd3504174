// Batch norm over x viewed as [channels, inner] (neon's formulas, nervanacpu.py:1707-1760): biased
// variance, rho is the KEPT fraction of the running stats. Statistics are two-pass row reductions.
import type { KernelThis } from '../gpujs.ts';
import { buf, type Arr, type WebglKernel } from './common.ts';
import { axpbyK } from './elementwise.ts';
import { centeredSqChunkK, rowReduce, sumChunkK, xhatDyChunkK } from './reduce.ts';

export function invStdK(this: KernelThis, variance: Arr, eps: number): number {
  return 1 / Math.sqrt(variance[this.thread.x] + eps);
}

/** y = (x − mean[c])·invStd[c]·gamma[c] + beta[c]. */
export function bnApplyK(this: KernelThis, x: Arr, mean: Arr, invStd: Arr, gamma: Arr, beta: Arr): number {
  const c = anDiv(this.thread.x, this.constants.inner);
  return (x[this.thread.x] - mean[c]) * invStd[c] * gamma[c] + beta[c];
}

/** Inference: y = (x − runMean[c])/√(runVar[c] + eps)·gamma[c] + beta[c]. */
export function bnInferK(this: KernelThis, x: Arr, runMean: Arr, runVar: Arr, gamma: Arr, beta: Arr, eps: number): number {
  const c = anDiv(this.thread.x, this.constants.inner);
  return (x[this.thread.x] - runMean[c]) / Math.sqrt(runVar[c] + eps) * gamma[c] + beta[c];
}

/** dx = gamma·invStd·(dy − (xhat·dgamma + dbeta)/inner). */
export function bnGradK(this: KernelThis, x: Arr, dy: Arr, gamma: Arr, mean: Arr, invStd: Arr, dgamma: Arr, dbeta: Arr, invInner: number): number {
  const c = anDiv(this.thread.x, this.constants.inner);
  const xhat = (x[this.thread.x] - mean[c]) * invStd[c];
  return gamma[c] * invStd[c] * (dy[this.thread.x] - (xhat * dgamma[c] + dbeta[c]) * invInner);
}

export const batchNormTrain: WebglKernel<'batchNormTrain'> = (rt, args) => {
  const { channels: C, inner, rho, eps } = args;
  const len = C * inner;
  if (C === 0) return;
  if (inner === 0) throw new Error('webgl backend: batchNormTrain over 0 values per channel');
  const X = buf(args.x, len, 'batchNormTrain x'), Y = buf(args.y, len, 'batchNormTrain y');
  const G = buf(args.gamma, C, 'batchNormTrain gamma'), B = buf(args.beta, C, 'batchNormTrain beta');
  const M = buf(args.mean, C, 'batchNormTrain mean'), S = buf(args.invStd, C, 'batchNormTrain invStd');
  const RM = buf(args.runMean, C, 'batchNormTrain runMean'), RV = buf(args.runVar, C, 'batchNormTrain runVar');
  const mean = rowReduce(rt, 'sum', sumChunkK, C, inner, [X], 1 / inner);
  const variance = rowReduce(rt, 'centeredSq', centeredSqChunkK, C, inner, [X, mean], 1 / inner);
  const invStd = rt.run('bnInvStd', invStdK, C, {}, [variance, eps]);
  const y = rt.run('bnApply', bnApplyK, len, { inner }, [X, mean, invStd, G, B]);
  const runMean = rt.run('axpby', axpbyK, C, {}, [RM, mean, rho, 1 - rho]);
  const runVar = rt.run('axpby', axpbyK, C, {}, [RV, variance, rho, 1 - rho]);
  variance.delete();
  rt.assign(Y, y, 0, len);
  rt.assign(M, mean, 0, C);
  rt.assign(S, invStd, 0, C);
  rt.assign(RM, runMean, 0, C);
  rt.assign(RV, runVar, 0, C);
};

export const batchNormInfer: WebglKernel<'batchNormInfer'> = (rt, args) => {
  const { channels: C, inner, eps } = args;
  const len = C * inner;
  if (len === 0) return;
  const X = buf(args.x, len, 'batchNormInfer x'), Y = buf(args.y, len, 'batchNormInfer y');
  const G = buf(args.gamma, C, 'batchNormInfer gamma'), B = buf(args.beta, C, 'batchNormInfer beta');
  const RM = buf(args.runMean, C, 'batchNormInfer runMean'), RV = buf(args.runVar, C, 'batchNormInfer runVar');
  rt.assign(Y, rt.run('bnInfer', bnInferK, len, { inner }, [X, RM, RV, G, B, eps]), 0, len);
};

export const batchNormGrad: WebglKernel<'batchNormGrad'> = (rt, args) => {
  const { channels: C, inner } = args;
  const len = C * inner;
  if (C === 0) return;
  const X = buf(args.x, len, 'batchNormGrad x'), DY = buf(args.dy, len, 'batchNormGrad dy');
  const DX = buf(args.dx, len, 'batchNormGrad dx'), G = buf(args.gamma, C, 'batchNormGrad gamma');
  const M = buf(args.mean, C, 'batchNormGrad mean'), S = buf(args.invStd, C, 'batchNormGrad invStd');
  const DG = buf(args.dgamma, C, 'batchNormGrad dgamma'), DB = buf(args.dbeta, C, 'batchNormGrad dbeta');
  if (inner === 0) { rt.fill(DG, 0, C); rt.fill(DB, 0, C); return; }
  const dgamma = rowReduce(rt, 'xhatDy', xhatDyChunkK, C, inner, [X, DY, M, S], 1);
  const dbeta = rowReduce(rt, 'sum', sumChunkK, C, inner, [DY], 1);
  const dx = rt.run('bnGrad', bnGradK, len, { inner }, [X, DY, G, M, S, dgamma, dbeta, 1 / inner]);
  rt.assign(DX, dx, 0, len);
  rt.assign(DG, dgamma, 0, C);
  rt.assign(DB, dbeta, 0, C);
};
