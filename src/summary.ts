// model.summary(): one row per primitive layer (plus one per merge), the parameter count and a
// training-memory estimate that generalises the lecture's memory slides ("Объем памяти, необходимый
// для хранения сверточной нейронной сети"): there, the input plus every layer's outputs, times
// sizeof(float). Here, in bytes, with float32 values (4 bytes):
//
//   memory = 4 · ( P + S            every parameter (weights, biases, gamma, beta) and state value
//                                   (BatchNorm running statistics)
//                + T                the gradients of the trainable parameters (T ≤ P: frozen layers have none)
//                + f · T            optimizer state, f = optimizerStateFactor (1 for momentum, 2 for Adam,
//                                   0 for plain SGD)
//                + B · ( X          the input batch, X values per sample
//                      + Σ out_l    every layer's output, kept for the backward pass (0 for SkipNode, whose
//                                   output is its input)
//                      + Σ ws_l     what layers keep for backward besides their output: im2col columns
//                                   (C·T·R·S·P per conv that runs by im2col, ops/conv-plan.ts), max-pooling
//                                   argmax (one per output), dropout masks (one per input)
//                      + 2 · max out_l ) )   the backward peak: the largest output gradient, held with the
//                                   gradient it is turned into
//          + max scratch_l          the largest scratch, in bytes, one convolution call takes (all threads:
//                                   the wasm backend's Winograd kernels put their transformed filters and
//                                   transforms there, 18 MiB for a 512 × 512 layer; Backend.convScratchBytes;
//                                   inference keeps its transformed or gathered filters instead:
//                                   memory.keptFilters)
//
// with B the batch size. Backend overheads (allocator slack, wasm memory growth) are not included.
import { walkLayers } from './layers/build.ts';
import type { Backend } from './backends/backend.ts';
import { convScratchBytes, keptBytes } from './backends/wasm/kernels/conv-scratch.ts';
import { CONV_PASS_KERNELS, derivesFromWeights, isColumnless, planConv, type ConvAlgorithm, type ConvKernels } from './ops/conv-plan.ts';
import type { Layer, LayerInfo } from './layers/layer.ts';
import { sameShape, shapeString, sizeOf } from './shape.ts';
import { bottleneckAdvice, stackedConvAdvice } from './summary-advice.ts';

const FLOAT_BYTES = 4;

export interface SummaryOptions {
  /** Per-sample input shape the root was configured for, e.g. [3, 64, 64]. */
  inputShape: readonly number[];
  batchSize: number;
  /** Optimizer state values per trainable parameter (default 1: GradientDescentMomentum's velocity). */
  optimizerStateFactor?: number;
  /** The convolution kernels the backend offers (conv-plan.ts convKernels), which decide each conv's
   *  algorithm and so whether it keeps a column matrix. Default: the wasm CPU backend's (column-free,
   *  Winograd, direct weight gradient, dense); the webgl backend has only the column-free kernels, and
   *  prefers them at every size. */
  kernels?: ConvKernels;
  /** Scratch bytes of one convolution kernel call (Backend.convScratchBytes). Default: the wasm
   *  backend's on one thread. */
  scratchBytes?: Backend['convScratchBytes'];
}

export interface SummaryRow extends LayerInfo {
  /** Bytes of this layer's output at the batch size (0 for SkipNode, a view of its input). */
  memory: number;
  /** A convolution's algorithm in training and in inference at this batch size (ops/conv-plan.ts). */
  algorithm?: { train: ConvAlgorithm; infer: ConvAlgorithm };
}

/** The training-memory estimate, in bytes, term by term (see the formula above). */
export interface MemoryEstimate {
  parameters: number;
  state: number;
  gradients: number;
  optimizer: number;
  input: number;
  activations: number;
  workspace: number;
  backwardPeak: number;
  scratch: number;
  total: number;
  /** Not in total (a training estimate): what inference keeps beside the parameters, the
   *  transformed filters of the layers it runs by Winograd where the backend keeps them
   *  (Backend.keepsFilterTransforms: 16/9 of those weights). */
  keptFilters: number;
}

export interface Summary {
  inputShape: readonly number[];
  batchSize: number;
  rows: SummaryRow[];
  /** Parameter values: weights, biases, BatchNorm gamma and beta (frozen ones included). */
  params: number;
  /** Of those, the ones that receive gradients. */
  trainableParams: number;
  /** Non-trainable state values (BatchNorm running mean and variance). */
  states: number;
  /** Multiply–adds per sample in the forward pass. */
  macs: number;
  memory: MemoryEstimate;
  /** Design advice lines, printed before the totals (see adviceRules). */
  advice: string[];
}

/**
 * DESIGN ADVICE HOOK. Each rule reads the finished summary and returns advice lines (empty when it
 * does not apply); formatSummary prints them before the totals. The course's design principles
 * (src/summary-advice.ts): no representational bottleneck early, stacked 3×3 convs for k ≥ 5.
 */
export type AdviceRule = (summary: Readonly<Omit<Summary, 'advice'>>) => string[];
export const adviceRules: AdviceRule[] = [bottleneckAdvice, stackedConvAdvice];

/** Parameter values of layers that are trainable, counting a frozen container's insides as frozen. */
function trainableParamCount(root: Layer): number {
  let total = 0;
  const visit = (l: Layer, trainable: boolean) => {
    const t = trainable && l.trainable;
    const kids = l.children();
    if (kids.length === 0) {
      if (t) for (const r of l.info()) total += r.params;
      return;
    }
    for (const c of kids) visit(c, t);
  };
  visit(root, true);
  return total;
}

function outputValues(r: LayerInfo): number {
  return r.type === 'SkipNode' ? 0 : sizeOf(r.outShape);
}

/** The planner's algorithms for a convolution row at this batch size: training runs the forward
 *  pass and both gradients (but no input gradient for the first layer with parameters, which reads
 *  the network's input), inference the forward pass only. */
function convAlgorithms(r: LayerInfo, batchSize: number, first: boolean, kernels: ConvKernels): SummaryRow['algorithm'] {
  if (!r.conv) return undefined;
  const g = { ...r.conv.geometry, batch: batchSize };
  return {
    train: planConv(g, r.conv.k, kernels, { weightGrad: true, inputGrad: !first }).algorithm,
    infer: planConv(g, r.conv.k, kernels, { weightGrad: false, inputGrad: false }).algorithm,
  };
}

/** Workspace values a layer keeps at this batch size: only an im2col convolution keeps its columns. */
function keptWorkspace(r: SummaryRow, batchSize: number): number {
  if (r.algorithm && r.algorithm.train !== 'im2col') return 0;
  return r.workspace * batchSize;
}

/** The largest scratch one call of a training step's convolution kernels takes (the passes a
 *  layer runs by its planned algorithm; no input gradient for the first layer with parameters). */
function largestScratch(rows: SummaryRow[], batchSize: number, firstParams: number, bytes: NonNullable<SummaryOptions['scratchBytes']>): number {
  let most = 0;
  rows.forEach((r, i) => {
    const algorithm = r.algorithm?.train;
    if (!r.conv || !algorithm || !isColumnless(algorithm)) return;
    const g = { ...r.conv.geometry, batch: batchSize }, kernels = CONV_PASS_KERNELS[algorithm];
    const passes = i === firstParams ? [kernels.forward, kernels.weightGrad] : Object.values(kernels);
    for (const kernel of passes) most = Math.max(most, bytes(kernel, g, r.conv.k));
  });
  return most;
}

/** Rows, totals and the memory estimate for a configured layer tree (the Model's root). */
export function summarize(root: Layer, opts: SummaryOptions): Summary {
  const { inputShape, batchSize } = opts;
  const factor = opts.optimizerStateFactor ?? 1;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`summary: batchSize must be a positive integer, got ${batchSize}`);
  if (!(factor >= 0)) throw new Error(`summary: optimizerStateFactor must be ≥ 0, got ${factor}`);
  if (!root.configured) throw new Error('summary: build the model first (the root layer is not configured)');
  if (!sameShape(root.inShape, inputShape)) {
    throw new Error(`summary: the model was built for input ${shapeString(root.inShape)}, not ${shapeString(inputShape)}`);
  }
  const infos = root.info();
  const kernels = opts.kernels ?? { columnFree: true, winograd: true, direct: true, dense: true, keepsFilters: true };
  const firstParams = infos.findIndex((r) => r.params > 0);
  const rows: SummaryRow[] = infos.map((r, i) => ({
    ...r, memory: FLOAT_BYTES * batchSize * outputValues(r), algorithm: convAlgorithms(r, batchSize, i === firstParams, kernels),
  }));
  const params = infos.reduce((s, r) => s + r.params, 0);
  const states = infos.reduce((s, r) => s + r.states, 0);
  const macs = infos.reduce((s, r) => s + r.macs, 0);
  const trainableParams = trainableParamCount(root);
  const perSample = (values: number) => FLOAT_BYTES * batchSize * values;
  const maxOut = infos.reduce((m, r) => Math.max(m, outputValues(r)), 0);
  const memory: MemoryEstimate = {
    parameters: FLOAT_BYTES * params,
    state: FLOAT_BYTES * states,
    gradients: FLOAT_BYTES * trainableParams,
    optimizer: FLOAT_BYTES * factor * trainableParams,
    input: perSample(sizeOf(inputShape)),
    activations: perSample(infos.reduce((s, r) => s + outputValues(r), 0)),
    workspace: rows.reduce((s, r) => s + FLOAT_BYTES * keptWorkspace(r, batchSize), 0),
    backwardPeak: perSample(2 * maxOut),
    scratch: largestScratch(rows, batchSize, firstParams, opts.scratchBytes ?? ((kernel, g, k) => convScratchBytes(kernel, g, k, 1))),
    total: 0,
    keptFilters: kernels.keepsFilters !== true ? 0 : rows.reduce((s, r) =>
      s + (r.conv && r.algorithm ? keptBytes(r.algorithm.infer, r.conv.geometry, r.conv.k) : 0), 0),
  };
  memory.total = memory.parameters + memory.state + memory.gradients + memory.optimizer + memory.input +
    memory.activations + memory.workspace + memory.backwardPeak + memory.scratch;
  const summary = { inputShape: [...inputShape], batchSize, rows, params, trainableParams, states, macs, memory };
  return { ...summary, advice: adviceRules.flatMap((rule) => rule(summary)) };
}

const MIB = 1024 * 1024;

function count(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < MIB) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 * MIB) return `${(bytes / MIB).toFixed(1)} MiB`;
  return `${(bytes / (1024 * MIB)).toFixed(2)} GiB`;
}

function algorithmText(r: SummaryRow): string {
  const a = r.algorithm;
  if (!a) return '';
  const name = (v: ConvAlgorithm) => (v === 'pointwise' ? '1×1' : v);
  // Inference runs a direct convolution as the fused kernel, whichever way training runs it, unless
  // it runs by Winograd or as a dense product.
  const differs = a.train !== a.infer && (derivesFromWeights(a.train) || derivesFromWeights(a.infer));
  return differs ? `${name(a.train)} (inference: ${derivesFromWeights(a.infer) ? a.infer : 'direct'})` : name(a.train);
}

/** The printed summary: a table, advice, state values and multiply–adds, then exactly
 *  `parameters: N` and `training memory at batch B: X MiB` as the last two lines. */
export function formatSummary(s: Summary): string {
  const header = ['layer', 'type', 'output', 'params', 'memory', 'algorithm'];
  const table = s.rows.map((r) => [r.name, r.type, shapeString(r.outShape), count(r.params), formatBytes(r.memory), algorithmText(r)]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const right = [false, false, false, true, true, false];
  const line = (cells: string[]) => cells.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const rule = '-'.repeat(widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1));
  const out = [
    `input: ${shapeString(s.inputShape)} per sample, batch ${s.batchSize}`,
    line(header), rule, ...table.map(line), rule,
  ];
  if (s.rows.some((r) => r.algorithm)) {
    out.push('algorithm: how each convolution runs in training (and in inference where that differs), chosen per layer by a cost model calibrated by measurement (src/ops/conv-plan.ts)');
  }
  for (const a of s.advice) out.push(`advice: ${a}`);
  out.push(`multiply-adds per sample: ${count(s.macs)}`);
  if (s.trainableParams !== s.params) out.push(`frozen parameters: ${count(s.params - s.trainableParams)}`);
  if (s.states > 0) out.push(`state values: ${count(s.states)} (BatchNorm running statistics)`);
  out.push(`parameters: ${count(s.params)}`);
  out.push(`training memory at batch ${s.batchSize}: ${(s.memory.total / MIB).toFixed(1)} MiB`);
  return out.join('\n');
}
