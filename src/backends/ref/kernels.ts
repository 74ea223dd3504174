// The reference backend's kernel table, every name of KERNEL_NAMES and OPTIONAL_KERNEL_NAMES registered
// explicitly.
import type { KernelTable } from '../backend.ts';
import { batchNormGrad, batchNormInfer, batchNormRectlinGrad, batchNormRectlinTrain, batchNormTrain } from './batchnorm.ts';
import {
  explin, explinGrad, logistic, logisticGrad, rectlin, rectlinGrad, softmax, softmaxGrad, tanh, tanhGrad,
} from './activation.ts';
import { axpby, biasAdd, biasGrad, clip, copy, fill, mul, scale, sum, sumSquares } from './elementwise.ts';
import { gemm } from './gemm.ts';
import { col2im, im2col } from './im2col.ts';
import { convForward, convInputGrad, convWeightGrad } from './conv-direct.ts';
import {
  denseConvForward, denseConvInputGrad, denseConvWeightGrad, directConvWeightGrad, winogradForward, winogradInputGrad, winogradWeightGrad,
} from './winograd.ts';
import { adagradUpdate, adamUpdate, rmspropUpdate, sgdUpdate } from './optimizer.ts';
import { poolBackward, poolForward } from './pool.ts';

export const refKernels: KernelTable = {
  gemm, im2col, col2im, convForward, convWeightGrad, convInputGrad, winogradForward, winogradInputGrad, winogradWeightGrad,
  directConvWeightGrad, denseConvForward, denseConvInputGrad, denseConvWeightGrad,
  poolForward, poolBackward, biasAdd, biasGrad,
  axpby, mul, scale, copy, fill, sum, sumSquares, clip,
  rectlin, rectlinGrad, explin, explinGrad, logistic, logisticGrad, tanh, tanhGrad,
  softmax, softmaxGrad, batchNormTrain, batchNormInfer, batchNormGrad, batchNormRectlinTrain, batchNormRectlinGrad,
  sgdUpdate, adamUpdate, adagradUpdate, rmspropUpdate,
};
