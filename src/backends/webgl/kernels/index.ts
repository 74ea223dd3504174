// The webgl backend's kernel table, every name of KERNEL_NAMES registered explicitly.
import type { KernelName } from '../../../kernels.ts';
import { explin, explinGrad, logistic, logisticGrad, rectlin, rectlinGrad, tanh, tanhGrad } from './activation.ts';
import { batchNormGrad, batchNormInfer, batchNormTrain } from './batchnorm.ts';
import type { WebglKernel } from './common.ts';
import { convForward, convInputGrad, convWeightGrad } from './conv.ts';
import { axpby, biasAdd, clip, copy, fill, mul, scale } from './elementwise.ts';
import { gemm } from './gemm.ts';
import { col2im, im2col } from './im2col.ts';
import { poolBackward, poolForward } from './pool.ts';
import { adagradUpdate, adamUpdate, rmspropUpdate, sgdUpdate } from './optimizer.ts';
import { softmax, softmaxGrad } from './softmax.ts';
import { biasGrad, sum, sumSquares } from './sums.ts';

export type WebglKernelTable = { [K in KernelName]?: WebglKernel<K> };

export const webglKernels: WebglKernelTable = {
  gemm, convForward, convWeightGrad, convInputGrad, im2col, col2im, poolForward, poolBackward, biasAdd, biasGrad,
  axpby, mul, scale, copy, fill, sum, sumSquares, clip,
  rectlin, rectlinGrad, explin, explinGrad, logistic, logisticGrad, tanh, tanhGrad,
  softmax, softmaxGrad, batchNormTrain, batchNormInfer, batchNormGrad,
  sgdUpdate, adamUpdate, adagradUpdate, rmspropUpdate,
};
