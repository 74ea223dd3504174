// batchNormTrain then Rectlin, writing the activated output directly (assembly/batchnorm.ts).
import type { WasmKernel } from '../context.ts';
import { runBatchNormTrain } from './batchNormTrain.ts';

export const batchNormRectlinTrain: WasmKernel<'batchNormRectlinTrain'> = (ctx, a) =>
  runBatchNormTrain(ctx, 'batchNormRectlinTrain', a, [a.slope]);
