// neon-style layers and containers.
export {
  Layer, type Param, type ParamKind, type StateTensor, type BuildContext, type ParamPreset, type RunContext, type LayerConfig, type LayerInfo,
} from './layer.ts';
export { ParamLayer, PlainLayer, perDimOption, type LayerOptions, type SpatialOption } from './common.ts';
export { Convolution, Pooling, type ConvolutionOptions, type PoolingOptions } from './convolution.ts';
export { Linear, Bias, BatchNorm, type LinearOptions, type BiasOptions, type BatchNormLayerOptions } from './linear.ts';
export { Activation, DataTransform, Dropout, SkipNode, type DropoutOptions } from './transform.ts';
export { Container, Chain, Sequential, flattenLayers, type LayerList, type ForwardPre } from './container.ts';
export { Compound, Conv, Affine, type CompoundOptions, type ConvOptions } from './compound.ts';
export { Deconvolution, Deconv, type DeconvolutionOptions } from './deconv.ts';
export { MergeSum, MergeBroadcast, type Branch, type MergeBroadcastOptions } from './merge.ts';
export { Graph, type GraphNode, type GraphOp, type GraphSpec } from './graph.ts';
export { assignNames, buildLayers, walkLayers, primitiveLayers } from './build.ts';
export { layerFromConfig } from './registry.ts';
