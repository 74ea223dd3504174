// The wasm backend's kernels, registered explicitly: one glue file per kernel.
import type { WasmKernelTable } from '../context.ts';
import { gemm } from './gemm.ts';
import { im2col } from './im2col.ts';
import { convForward } from './convForward.ts';
import { convWeightGrad } from './convWeightGrad.ts';
import { convInputGrad } from './convInputGrad.ts';
import { winogradForward } from './winogradForward.ts';
import { winogradInputGrad } from './winogradInputGrad.ts';
import { winogradWeightGrad } from './winogradWeightGrad.ts';
import { directConvWeightGrad } from './directConvWeightGrad.ts';
import { denseConvForward, denseConvInputGrad, denseConvWeightGrad } from './denseConv.ts';
import { col2im } from './col2im.ts';
import { poolForward } from './poolForward.ts';
import { poolBackward } from './poolBackward.ts';
import { biasAdd } from './biasAdd.ts';
import { biasGrad } from './biasGrad.ts';
import { axpby } from './axpby.ts';
import { mul } from './mul.ts';
import { scale } from './scale.ts';
import { copy } from './copy.ts';
import { fill } from './fill.ts';
import { sum } from './sum.ts';
import { sumSquares } from './sumSquares.ts';
import { clip } from './clip.ts';
import { rectlin } from './rectlin.ts';
import { rectlinGrad } from './rectlinGrad.ts';
import { explin } from './explin.ts';
import { explinGrad } from './explinGrad.ts';
import { logistic } from './logistic.ts';
import { logisticGrad } from './logisticGrad.ts';
import { tanh } from './tanh.ts';
import { tanhGrad } from './tanhGrad.ts';
import { softmax } from './softmax.ts';
import { softmaxGrad } from './softmaxGrad.ts';
import { batchNormTrain } from './batchNormTrain.ts';
import { batchNormInfer } from './batchNormInfer.ts';
import { batchNormGrad } from './batchNormGrad.ts';
import { batchNormRectlinTrain } from './batchNormRectlinTrain.ts';
import { batchNormRectlinGrad } from './batchNormRectlinGrad.ts';
import { sgdUpdate } from './sgdUpdate.ts';
import { adamUpdate } from './adamUpdate.ts';
import { adagradUpdate } from './adagradUpdate.ts';
import { rmspropUpdate } from './rmspropUpdate.ts';

export const wasmKernels: WasmKernelTable = {
  gemm,
  im2col,
  convForward,
  convWeightGrad,
  convInputGrad,
  winogradForward,
  winogradInputGrad,
  winogradWeightGrad,
  directConvWeightGrad,
  denseConvForward,
  denseConvInputGrad,
  denseConvWeightGrad,
  col2im,
  poolForward,
  poolBackward,
  biasAdd,
  biasGrad,
  axpby,
  mul,
  scale,
  copy,
  fill,
  sum,
  sumSquares,
  clip,
  rectlin,
  rectlinGrad,
  explin,
  explinGrad,
  logistic,
  logisticGrad,
  tanh,
  tanhGrad,
  softmax,
  softmaxGrad,
  batchNormTrain,
  batchNormInfer,
  batchNormGrad,
  batchNormRectlinTrain,
  batchNormRectlinGrad,
  sgdUpdate,
  adamUpdate,
  adagradUpdate,
  rmspropUpdate,
};
