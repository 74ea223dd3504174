// argon-nn public API: explicit re-exports only.

// Tensors, autograd, ops
export { Tensor, Storage, tidy, keep, type GradNode } from './tensor.ts';
export { backward, noGrad, isRecording, gradCheck, type GradCheckOptions, type GradCheckResult, type GradCheckMismatch } from './autograd/index.ts';
export * as ops from './ops/index.ts';
export { Random } from './random.ts';
export { windowGeometry, outputSize, type WindowOptions, type PerDim } from './shape.ts';

// Backends and the kernel contract
export { KERNEL_NAMES, type KernelArgs, type KernelName, type WindowGeometry, type PoolMode } from './kernels.ts';
export { DeviceBuffer, type Backend, type BufferKind, type DType, type MemoryStats, type KernelTable, type KernelFn } from './backends/backend.ts';
export { createRefBackend } from './backends/ref/backend.ts';
export { createWasmBackend, type WasmBackend, type WasmBackendOptions, type WasmBuffer } from './backends/wasm/backend.ts';
export type { WasmFn } from './backends/wasm/context.ts';
export { relaxedSimdSupported, type WasmVariant, type RelaxedOption } from './backends/wasm/module.ts';
export { setWasmSources, WASM_FILES, type WasmSources, type WasmSource, type WasmFile, type WasmBuild } from './backends/wasm/sources.ts';
export { setBackend, getBackend, resolveBackendName, type BackendName, type BackendOptions } from './backends/select.ts';
export { autoChoice, type AutoChoice } from './backends/webgl/select.ts';
export type { WebglBackend, WebglInfo } from './backends/webgl/backend.ts';
export type { WebglBuffer } from './backends/webgl/buffer.ts';
export type { GpuTexture } from './backends/webgl/gpujs.ts';

// Model
export { Model, type ModelOptions, type FitOptions, type EvalResult, type LoadOptions, type PendingState } from './model/model.ts';
export type { PredictSample, PredictBatch } from './model/predict.ts';
export type { ImageDataLike } from './model/inputs.ts';
export { summarize, formatSummary, formatBytes, adviceRules, type Summary, type SummaryRow, type MemoryEstimate, type SummaryOptions, type AdviceRule } from './summary.ts';
export { encodeModelFile, decodeModelFile, FORMAT_VERSION, type FileContents } from './io/model-file.ts';

// Layers and containers
export {
  Layer, Convolution, Pooling, Linear, Bias, BatchNorm, Activation, DataTransform, Dropout, SkipNode, Sequential,
  Conv, Affine, MergeSum, MergeBroadcast, Container, Chain, Compound, ParamLayer, PlainLayer,
  assignNames, buildLayers, walkLayers, primitiveLayers, layerFromConfig, flattenLayers,
  type LayerOptions, type SpatialOption, type ConvolutionOptions, type PoolingOptions, type LinearOptions, type BiasOptions,
  type BatchNormLayerOptions, type DropoutOptions, type CompoundOptions, type ConvOptions, type MergeBroadcastOptions,
  type Branch, type LayerList, type ForwardPre, type Param, type ParamKind, type StateTensor, type BuildContext, type ParamPreset,
  type RunContext, type LayerConfig, type LayerInfo,
} from './layers/index.ts';

export { Graph, type GraphNode, type GraphOp, type GraphSpec } from './layers/graph.ts';
export { Deconvolution, Deconv, type DeconvolutionOptions } from './layers/deconv.ts';

// ONNX interop
export {
  importOnnx, exportOnnx, modelToOnnx, decodeOnnx, encodeOnnx, SUPPORTED_OPS, OPSET,
  type OnnxImportOptions, type OnnxImport, type OnnxModel,
} from './onnx/index.ts';
export type { OnnxGraph, OnnxTensor, OnnxValueInfo, OnnxNode, OnnxAttribute } from './onnx/schema.ts';
export type { ExportSource, ModelLike } from './onnx/export.ts';

// nn: activations, initializers, costs, metrics, optimizers, schedules, callbacks
export { Identity, Rectlin, Explin, Logistic, Tanh, Softmax, PixelwiseSoftmax, Normalizer, activationFromConfig, type ActivationTransform } from './nn/activations.ts';
export { Constant, Uniform, Gaussian, GlorotUniform, Xavier, Kaiming, initializerFromConfig, type Initializer, type Fan } from './nn/initializers.ts';
export {
  GeneralizedCost, CrossEntropyBinary, CrossEntropyMulti, SumSquared, MeanSquared, L1, PixelwiseCrossEntropy, costFromConfig,
  type CostFunction, type CostConfig, type CostFunctionConfig, type CostResult, type FinalActivation,
} from './nn/costs.ts';
export {
  Misclassification, Accuracy, TopKMisclassification, LogLoss, PrecisionRecall, confusionMatrix, metricFromConfig,
  type Metric, type MetricConfig,
} from './nn/metrics.ts';
export {
  GradientDescentMomentum, Adam, RMSProp, Adagrad, MultiOptimizer, optimizerFromConfig,
  type Optimizer, type OptimizerState, type OptimizerSlot, type OptimizerConfig, type ClipOptions, type OptimizerMapping,
  type GradientDescentMomentumOptions, type AdamOptions, type RMSPropOptions, type AdagradOptions,
} from './nn/optimizers/index.ts';
export { Schedule, StepSchedule, PowerSchedule, ExpSchedule, PolySchedule, scheduleFromConfig, type LearningRateSchedule, type ScheduleConfig } from './nn/schedules.ts';
export {
  progressBar, checkpoint, saveBest, earlyStop, historyPlot, History, CallbackRunner, historySvg,
  ProgressBar, Checkpoint, SaveBest, EarlyStop, HistoryPlot,
  type Callback, type TrainInfo, type EpochLogs, type BatchLogs, type HistoryData, type ProgressStream, type MaybePromise,
  type ProgressBarOptions, type EarlyStopOptions, type HistoryPlotOptions, type MonitorMode,
} from './nn/callbacks/index.ts';
export { lineChartSvg, type Series, type ChartOptions } from './plot.ts';
export { PixelConfusion } from './nn/segmentation-metrics.ts';
export { PixelAccuracy, MeanIoU, MeanAbsoluteError, MetricList, type DenseMetricConfig } from './nn/dense-metrics.ts';
export { bottleneckAdvice, stackedConvAdvice } from './summary-advice.ts';

// The course's networks
export {
  models, modelNames, RECIPE_CHANGES, costFor, headType, makeResnetBase, moduleBasic, moduleBottleneck, convParams,
  fcnn1, fcnn2, fcnn3, cnn1, cnn2, resnet18, resnet34, resnet50, resnet101, resnet152, fcn,
  type ModelName, type NetworkOptions, type Recipe, type ResnetBlock, type FcnOptions,
} from './models/index.ts';

// Data
export type { Batch, DataIterator } from './data/iterator.ts';
export { ArrayIterator, type ArrayIteratorOptions, type ArrayData, type ArrayRows } from './data/array-iterator.ts';
export { type IteratorState } from './data/batching.ts';
export {
  LabelMapIterator, TargetArrayIterator, type LabelMapIteratorOptions, type TargetArrayIteratorOptions,
} from './data/target-iterators.ts';
export { ImageDataset, type ImageDatasetOptions, type ImageListing, type ImageEntry } from './data/image-dataset.ts';
export { ImageManifest, type ImageManifestOptions } from './data/image-manifest.ts';
export { ImageFolder, ImageList, utkFaceLabel, type ImageListOptions } from './data/image-folder.ts';
export { type MeanImage } from './data/image-batch.ts';
export { decodeImage, type DecodedImage } from './data/image-decode.ts';
export { resizeBilinear, toGray, toModelInput, type PixelImage } from './data/image-ops.ts';
export { nodeImageSource, type ImageSource } from './data/image-source.ts';
export {
  loadImageFiles, loadImageManifest, imageToChw, decodeImageBlob, utkFaceGender, defaultImageLabel, relativePathOf,
  type BrowserImages, type BrowserImageOptions, type LoadImageFilesOptions, type LoadImageManifestOptions,
  type PickedFile, type PickedFiles, type ImageShape,
} from './data/browser-images.ts';
export { loadMnist, type DigitsData, type LoadMnistOptions } from './data/mnist.ts';
export { loadFashionMnist, FASHION_MNIST_CLASSES, type LoadFashionMnistOptions } from './data/fashion-mnist.ts';
export {
  pixelLabels, FOREGROUND_THRESHOLD, SEGMENTATION_CLASSES, SegmentationIterator, loadFashionMnistSegmentation,
  type SegmentationData, type SegmentationIteratorOptions,
} from './data/segmentation.ts';
