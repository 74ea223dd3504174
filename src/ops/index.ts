// The differentiable ops: validate → backend kernel → backward rule, one family per file.
export { matmul, type MatmulOptions } from './matmul.ts';
export { conv, type ConvOptions } from './conv.ts';
export {
  planConv, convCosts, passCost, passFeatures, convKernels, withConvAlgorithm, CONV_COST,
  type ConvAlgorithm, type ConvPlan, type ConvCosts, type ConvKernels, type ConvPasses, type ConvPass, type PassCost, type PassWay,
} from './conv-plan.ts';
export { convFused, canFuseConv, type ConvEpilogue } from './conv-fused.ts';
export { pool, type PoolOptions } from './pool.ts';
export { batchNorm, batchNormRectlin, type BatchNormOptions, type BatchNormRectlinOptions, type BatchNormState } from './batchnorm.ts';
export { rectlin, explin, logistic, tanh, softmax } from './activation.ts';
export { add, addN, scale, mul, biasAdd } from './elementwise.ts';
export { reshape, flatten } from './reshape.ts';
export { dropout, type DropoutOptions } from './dropout.ts';
export { concat } from './concat.ts';
export {
  sumSquared, meanSquared, l1, crossEntropyBinary, crossEntropyMulti,
  logisticCrossEntropyBinary, softmaxCrossEntropyMulti, type FusedCost,
} from './cost.ts';
export { deconv, deconvOutSize, type DeconvOptions } from './deconv.ts';
