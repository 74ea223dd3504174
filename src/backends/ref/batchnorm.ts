// Batch norm over x viewed as [channels, inner], neon's formulas (nervanacpu.py:1707-1760):
// biased variance, rho is the KEPT fraction of the running stats.
import type { DeviceBuffer } from '../backend.ts';
import type { KernelArgs } from '../../kernels.ts';
import { floats } from './buffer.ts';

type Args<K extends keyof KernelArgs<DeviceBuffer>> = KernelArgs<DeviceBuffer>[K];

export function batchNormTrain(args: Args<'batchNormTrain'>): void {
  const { channels, inner, rho, eps } = args;
  const len = channels * inner;
  const X = floats(args.x, len, 'batchNormTrain x'), Y = floats(args.y, len, 'batchNormTrain y');
  const gamma = floats(args.gamma, channels, 'batchNormTrain gamma');
  const beta = floats(args.beta, channels, 'batchNormTrain beta');
  const mean = floats(args.mean, channels, 'batchNormTrain mean');
  const invStd = floats(args.invStd, channels, 'batchNormTrain invStd');
  const runMean = floats(args.runMean, channels, 'batchNormTrain runMean');
  const runVar = floats(args.runVar, channels, 'batchNormTrain runVar');
  for (let c = 0; c < channels; c++) {
    const row = c * inner;
    let s = 0;
    for (let j = 0; j < inner; j++) s += X[row + j];
    const mu = s / inner;
    let ss = 0;
    for (let j = 0; j < inner; j++) ss += (X[row + j] - mu) ** 2;
    const variance = ss / inner;
    const inv = 1 / Math.sqrt(variance + eps);
    for (let j = 0; j < inner; j++) Y[row + j] = (X[row + j] - mu) * inv * gamma[c] + beta[c];
    mean[c] = mu;
    invStd[c] = inv;
    runMean[c] = rho * runMean[c] + (1 - rho) * mu;
    runVar[c] = rho * runVar[c] + (1 - rho) * variance;
  }
}

export function batchNormInfer(args: Args<'batchNormInfer'>): void {
  const { channels, inner, eps } = args;
  const len = channels * inner;
  const X = floats(args.x, len, 'batchNormInfer x'), Y = floats(args.y, len, 'batchNormInfer y');
  const gamma = floats(args.gamma, channels, 'batchNormInfer gamma');
  const beta = floats(args.beta, channels, 'batchNormInfer beta');
  const runMean = floats(args.runMean, channels, 'batchNormInfer runMean');
  const runVar = floats(args.runVar, channels, 'batchNormInfer runVar');
  for (let c = 0; c < channels; c++) {
    const sd = Math.sqrt(runVar[c] + eps);
    for (let j = 0; j < inner; j++) Y[c * inner + j] = (X[c * inner + j] - runMean[c]) / sd * gamma[c] + beta[c];
  }
}

export function batchNormGrad(args: Args<'batchNormGrad'>): void {
  const { channels, inner } = args;
  const len = channels * inner;
  const X = floats(args.x, len, 'batchNormGrad x'), DY = floats(args.dy, len, 'batchNormGrad dy');
  const DX = floats(args.dx, len, 'batchNormGrad dx');
  const gamma = floats(args.gamma, channels, 'batchNormGrad gamma');
  const mean = floats(args.mean, channels, 'batchNormGrad mean');
  const invStd = floats(args.invStd, channels, 'batchNormGrad invStd');
  const dgamma = floats(args.dgamma, channels, 'batchNormGrad dgamma');
  const dbeta = floats(args.dbeta, channels, 'batchNormGrad dbeta');
  for (let c = 0; c < channels; c++) {
    const row = c * inner, mu = mean[c], inv = invStd[c];
    let dg = 0, db = 0;
    for (let j = 0; j < inner; j++) {
      dg += (X[row + j] - mu) * inv * DY[row + j];
      db += DY[row + j];
    }
    for (let j = 0; j < inner; j++) {
      const xhat = (X[row + j] - mu) * inv;
      DX[row + j] = gamma[c] * inv * (DY[row + j] - (xhat * dg + db) / inner);
    }
    dgamma[c] = dg;
    dbeta[c] = db;
  }
}
