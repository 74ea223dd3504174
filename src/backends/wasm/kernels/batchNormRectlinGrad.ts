// The gradient of batchNormRectlinTrain from its input (assembly/batchnorm.ts).
import type { WasmKernel } from '../context.ts';
import { runBatchNormGrad } from './batchNormGrad.ts';

export const batchNormRectlinGrad: WasmKernel<'batchNormRectlinGrad'> = (ctx, a) =>
  runBatchNormGrad(ctx, 'batchNormRectlinGrad', a, { beta: a.beta, slope: a.slope });
