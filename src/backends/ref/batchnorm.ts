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
  const len = args.channels * args.inner;
  gradOf(args, floats(args.dy, len, 'batchNormGrad dy'), 'batchNormGrad');
}

/** dgamma = Σ xhat·dy, dbeta = Σ dy, dx = gamma·invStd·(dy − (xhat·dgamma + dbeta)/inner) per channel. */
function gradOf(args: Args<'batchNormGrad'>, DY: ArrayLike<number>, kernel: string): void {
  const { channels, inner } = args;
  const len = channels * inner;
  const X = floats(args.x, len, `${kernel} x`);
  const DX = floats(args.dx, len, `${kernel} dx`);
  const gamma = floats(args.gamma, channels, `${kernel} gamma`);
  const mean = floats(args.mean, channels, `${kernel} mean`);
  const invStd = floats(args.invStd, channels, `${kernel} invStd`);
  const dgamma = floats(args.dgamma, channels, `${kernel} dgamma`);
  const dbeta = floats(args.dbeta, channels, `${kernel} dbeta`);
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

/** Calls each(j, z) for every element j of x with z = (x − mean)·k + beta and k = gamma·invStd
 *  formed from the float32 invStd, as the fused kernels' contract says. */
type ZArgs = Pick<Args<'batchNormRectlinTrain'>, 'x' | 'gamma' | 'beta' | 'mean' | 'invStd' | 'channels' | 'inner'>;

function eachZ(args: ZArgs, kernel: string, each: (j: number, z: number) => void): void {
  const { channels, inner } = args;
  const X = floats(args.x, channels * inner, `${kernel} x`);
  const gamma = floats(args.gamma, channels, `${kernel} gamma`);
  const beta = floats(args.beta, channels, `${kernel} beta`);
  const mean = floats(args.mean, channels, `${kernel} mean`);
  const invStd = floats(args.invStd, channels, `${kernel} invStd`);
  for (let c = 0; c < channels; c++) {
    const k = gamma[c] * invStd[c];
    for (let j = c * inner; j < (c + 1) * inner; j++) each(j, (X[j] - mean[c]) * k + beta[c]);
  }
}

/** batchNormTrain then Rectlin. */
export function batchNormRectlinTrain(args: Args<'batchNormRectlinTrain'>): void {
  const { channels, inner, slope } = args;
  batchNormTrain(args);
  const Y = floats(args.y, channels * inner, 'batchNormRectlinTrain y');
  eachZ(args, 'batchNormRectlinTrain', (j, z) => {
    Y[j] = Math.max(z, 0) + slope * Math.min(z, 0);
  });
}

/** batchNormGrad of dz = dy·Rectlin'(z) with z rebuilt from x. */
export function batchNormRectlinGrad(args: Args<'batchNormRectlinGrad'>): void {
  const { channels, inner, slope } = args;
  const len = channels * inner;
  const DY = floats(args.dy, len, 'batchNormRectlinGrad dy');
  const dz = new Float64Array(len);
  eachZ(args, 'batchNormRectlinGrad', (j, z) => { dz[j] = DY[j] * ((z > 0 ? 1 : 0) + (z < 0 ? slope : 0)); });
  gradOf(args, dz, 'batchNormRectlinGrad');
}
