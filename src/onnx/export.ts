// Argon layer tree → ONNX (opset 13, IR 7), inference form. The exported graph takes NCHW input
// named 'input' ([N, C, H, W], N symbolic) and returns 'output' ([N, nout]); Argon's per-sample
// layout [C, H, W] is the same order, so weights need no permutation: conv W is [K, C, R, S] as ONNX
// Conv wants, Linear W is [nout, nin] (Gemm with transB = 1), and Argon's flatten of [C, H, W]
// orders features c, h, w exactly as ONNX Flatten(axis = 1) on NCHW does. Only the batch moves
// (innermost in Argon, outermost in ONNX); the runtime sees that in the tensors it is fed, not here.
// Exact semantics, op by op:
//   Convolution (+ a following Bias) → Conv (+ B), with strides, symmetric pads and dilations
//   Linear (+ Bias) → [Flatten(axis 1)] Gemm(transB 1), no-bias layers have no C input
//   BatchNorm → BatchNormalization with the running statistics (inference form), epsilon, momentum = rho
//   Pooling max → MaxPool; avg → AveragePool(count_include_pad 0) (Argon never counts padded cells);
//     l2 / lp → Pad(zeros) + LpPool(p): ONNX LpPool's own padding is not relied on, and padded zeros
//     add nothing to Σ|x|^p, so this is exact; 'all' → GlobalAveragePool / GlobalMaxPool / GlobalLpPool;
//     'weighted' has no ONNX operator (an error says so)
//   Activation / DataTransform: Rectlin → Relu or LeakyRelu(alpha = slope), Explin → Elu, Logistic →
//     Sigmoid, Tanh, Softmax → Softmax(axis 1, the channel axis), Normalizer(d) → Mul by 1/d, Identity
//   Dropout(keep) → Dropout(ratio 1 − keep) + Mul(keep): neon's dropout scales by keep at inference,
//     ONNX's is the identity. A Dropout followed by Normalizer(divisor = keep) (inverted dropout, as an
//     imported PyTorch Dropout becomes) exports as the plain ONNX Dropout.
//   MergeSum → Add (Sum for 3+ branches), MergeBroadcast → Concat(axis 1), SkipNode → no node
//   Graph → its nodes, edge by edge (add → Add/Sum, concat → Concat, flatten → Flatten)
import {
  Activation, BatchNorm, Bias, Chain, Convolution, DataTransform, Dropout, Graph, Linear, MergeBroadcast, MergeSum,
  Pooling, SkipNode, assignNames, perDimOption, type Layer,
} from '../layers/index.ts';
import type { ActivationTransform } from '../nn/activations.ts';
import { sizeOf } from '../shape.ts';
import { AT, DT, encodeOnnx, type OnnxAttribute, type OnnxNode, type OnnxTensor } from './codec.ts';

export const OPSET = 13;
export const IR_VERSION = 7;
export const INPUT_NAME = 'input';
export const OUTPUT_NAME = 'output';

export interface ExportSource {
  root: Layer;
  /** Per-sample input shape [C, H, W] (or [F]). */
  inputShape: readonly number[];
  /** Every parameter and state by name ('Conv_0.W', 'BatchNorm_1.runVar', …). */
  values: ReadonlyMap<string, ArrayLike<number>>;
  name: string;
  producerVersion?: string;
}

const attrInts = (name: string, ints: readonly number[]): OnnxAttribute => ({ name, type: AT.INTS, ints: [...ints] });
const attrInt = (name: string, i: number): OnnxAttribute => ({ name, type: AT.INT, i });
const attrFloat = (name: string, f: number): OnnxAttribute => ({ name, type: AT.FLOAT, f });

class Emitter {
  readonly nodes: OnnxNode[] = [];
  readonly inits: OnnxTensor[] = [];
  private valueNames = new Set<string>([INPUT_NAME, OUTPUT_NAME]);
  private nodeNames = new Set<string>();

  constructor(private readonly values: ReadonlyMap<string, ArrayLike<number>>) {}

  private fresh(set: Set<string>, base: string): string {
    let name = base || 'node', i = 1;
    while (set.has(name)) name = `${base}_${i++}`;
    set.add(name);
    return name;
  }

  /** Adds a node; returns its output value's name. */
  node(opType: string, name: string, inputs: string[], attributes: OnnxAttribute[] = []): string {
    const nodeName = this.fresh(this.nodeNames, name);
    const out = this.fresh(this.valueNames, nodeName);
    this.nodes.push({ name: nodeName, opType, domain: '', inputs, outputs: [out], attributes });
    return out;
  }

  /** A float initializer from a named parameter or state, with ONNX dims `dims`. */
  param(name: string, dims: readonly number[]): string {
    const v = this.values.get(name);
    if (!v) throw new Error(`ONNX export: no values for '${name}' (build or load the model before exporting)`);
    if (v.length !== sizeOf(dims)) throw new Error(`ONNX export: '${name}' has ${v.length} values, [${dims.join(', ')}] needs ${sizeOf(dims)}`);
    return this.constant(name, dims, Float32Array.from(v));
  }

  constant(name: string, dims: readonly number[], floats: Float32Array): string {
    const n = this.fresh(this.valueNames, name);
    this.inits.push({ name: n, dims: [...dims], dataType: DT.FLOAT, floats });
    return n;
  }

  ints(name: string, ints: number[]): string {
    const n = this.fresh(this.valueNames, name);
    this.inits.push({ name: n, dims: [ints.length], dataType: DT.INT64, ints });
    return n;
  }
}

/** Leaves of the chain structure: Sequential and compound layers are opened, everything else kept. */
function items(layers: readonly Layer[]): Layer[] {
  return layers.flatMap((l) => (l instanceof Chain ? items(l.children()) : [l]));
}

function normalizerDivisor(l: Layer | undefined): number | null {
  if (!(l instanceof DataTransform || l instanceof Activation)) return null;
  const cfg = l.transform.config();
  return l.transform.type === 'Normalizer' && typeof cfg.divisor === 'number' ? cfg.divisor : null;
}

function emitTransform(e: Emitter, t: ActivationTransform, name: string, x: string): string {
  const cfg = t.config();
  switch (t.type) {
    case 'Rectlin': {
      const slope = cfg.slope as number;
      return slope === 0 ? e.node('Relu', name, [x]) : e.node('LeakyRelu', name, [x], [attrFloat('alpha', slope)]);
    }
    case 'Explin': return e.node('Elu', name, [x], [attrFloat('alpha', cfg.alpha as number)]);
    case 'Logistic': return e.node('Sigmoid', name, [x]);
    case 'Tanh': return e.node('Tanh', name, [x]);
    case 'Softmax': return e.node('Softmax', name, [x], [attrInt('axis', 1)]);
    case 'Identity': return e.node('Identity', name, [x]);
    case 'Normalizer': {
      const scale = e.constant(`${name}.scale`, [], Float32Array.of(1 / (cfg.divisor as number)));
      return e.node('Mul', name, [x, scale]);
    }
    default:
      throw new Error(`ONNX export: layer '${name}' uses the activation ${t.type}, which has no ONNX mapping`);
  }
}

function windowAttrs(kernel: number[], stride: number[], pad: number[]): OnnxAttribute[] {
  return [attrInts('kernel_shape', kernel), attrInts('strides', stride), attrInts('pads', [...pad, ...pad])];
}

function emitPooling(e: Emitter, l: Pooling, x: string): string {
  const spatial = l.inShape.slice(1), dims = spatial.length;
  if (l.op === 'weighted') {
    throw new Error(`ONNX export: Pooling layer '${l.name}' uses op 'weighted' (Gaussian-weighted pooling), which has no ONNX operator`);
  }
  const p = l.op === 'l2' ? 2 : l.op === 'lp' ? l.opParams.p! : 0;
  if ((l.op === 'l2' || l.op === 'lp') && !Number.isInteger(p)) {
    throw new Error(`ONNX export: Pooling layer '${l.name}' uses op 'lp' with p = ${p}; ONNX LpPool takes an integer p`);
  }
  if (l.fshape === 'all') {
    if (l.op === 'avg') return e.node('GlobalAveragePool', l.name, [x]);
    if (l.op === 'max') return e.node('GlobalMaxPool', l.name, [x]);
    return e.node('GlobalLpPool', l.name, [x], [attrInt('p', p)]);
  }
  const window = typeof l.fshape === 'number' ? new Array<number>(dims).fill(l.fshape) : [...l.fshape];
  const stride = perDimOption(l.name, 'strides', l.opts.strides, dims, window, 1);
  const pad = perDimOption(l.name, 'padding', l.opts.padding, dims, 0, 0);
  if (l.op === 'max') return e.node('MaxPool', l.name, [x], windowAttrs(window, stride, pad));
  if (l.op === 'avg') return e.node('AveragePool', l.name, [x], [...windowAttrs(window, stride, pad), attrInt('count_include_pad', 0)]);
  let y = x;
  if (pad.some((v) => v > 0)) {
    const pads = e.ints(`${l.name}.pads`, [0, 0, ...pad, 0, 0, ...pad]);
    y = e.node('Pad', `${l.name}_pad`, [x, pads], [{ name: 'mode', type: AT.STRING, s: 'constant' }]);
  }
  return e.node('LpPool', l.name, [y], [...windowAttrs(window, stride, new Array<number>(dims).fill(0)), attrInt('p', p)]);
}

/** Emits a list of layers from value x; returns the output value. */
function emitSeq(e: Emitter, layers: readonly Layer[], x: string): string {
  const list = items(layers);
  for (let i = 0; i < list.length; i++) {
    const l = list[i], next = list[i + 1];
    if (l instanceof Convolution) {
      const bias = next instanceof Bias ? next : null;
      if (bias) i++;
      const dims = l.window.length;
      const inputs = [x, e.param(`${l.name}.W`, [l.nout, l.inShape[0], ...l.window])];
      if (bias) inputs.push(e.param(`${bias.name}.b`, [l.nout]));
      x = e.node('Conv', l.name, inputs, [
        attrInts('dilations', perDimOption(l.name, 'dilation', l.opts.dilation, dims, 1, 1)),
        attrInt('group', 1),
        attrInts('kernel_shape', l.window),
        attrInts('pads', [...perDimOption(l.name, 'padding', l.opts.padding, dims, 0, 0), ...perDimOption(l.name, 'padding', l.opts.padding, dims, 0, 0)]),
        attrInts('strides', perDimOption(l.name, 'strides', l.opts.strides, dims, 1, 1)),
      ]);
    } else if (l instanceof Linear) {
      const bias = next instanceof Bias ? next : null;
      if (bias) i++;
      const nin = sizeOf(l.inShape);
      if (l.inShape.length > 1) x = e.node('Flatten', `${l.name}_flatten`, [x], [attrInt('axis', 1)]);
      const inputs = [x, e.param(`${l.name}.W`, [l.nout, nin])];
      if (bias) inputs.push(e.param(`${bias.name}.b`, [l.nout]));
      x = e.node('Gemm', l.name, inputs, [attrFloat('alpha', 1), attrFloat('beta', 1), attrInt('transB', 1)]);
    } else if (l instanceof Bias) {
      const c = l.inShape[0];
      x = e.node('Add', l.name, [x, e.param(`${l.name}.b`, [c, ...new Array<number>(l.inShape.length - 1).fill(1)])]);
    } else if (l instanceof BatchNorm) {
      const c = l.inShape[0];
      x = e.node('BatchNormalization', l.name, [
        x, e.param(`${l.name}.gamma`, [c]), e.param(`${l.name}.beta`, [c]), e.param(`${l.name}.runMean`, [c]), e.param(`${l.name}.runVar`, [c]),
      ], [attrFloat('epsilon', l.eps), attrFloat('momentum', l.rho)]);
    } else if (l instanceof Pooling) {
      x = emitPooling(e, l, x);
    } else if (l instanceof Activation || l instanceof DataTransform) {
      x = emitTransform(e, l.transform, l.name, x);
    } else if (l instanceof Dropout) {
      const ratio = e.constant(`${l.name}.ratio`, [], Float32Array.of(1 - l.keep));
      x = e.node('Dropout', l.name, [x, ratio]);
      if (normalizerDivisor(next) === l.keep) i++;
      else if (l.keep !== 1) x = e.node('Mul', `${l.name}_scale`, [x, e.constant(`${l.name}.keep`, [], Float32Array.of(l.keep))]);
    } else if (l instanceof SkipNode) {
      // the identity: no node
    } else if (l instanceof MergeSum || l instanceof MergeBroadcast) {
      const outs = l.branches.map((b) => emitSeq(e, [b], x));
      if (l instanceof MergeBroadcast) x = e.node('Concat', l.name, outs, [attrInt('axis', 1)]);
      else x = e.node(outs.length === 1 ? 'Identity' : outs.length === 2 ? 'Add' : 'Sum', l.name, outs);
    } else if (l instanceof Graph) {
      x = emitGraph(e, l, x);
    } else {
      throw new Error(`ONNX export: layer '${l.name}' of type ${l.type} has no ONNX mapping`);
    }
  }
  return x;
}

function emitGraph(e: Emitter, g: Graph, x: string): string {
  const env = new Map<string, string>([[g.input, x]]);
  for (const n of g.nodes) {
    const ins = n.inputs.map((edge) => env.get(edge)!);
    let y: string;
    if (n.op === 'layer') y = emitSeq(e, [n.layer!], ins[0]);
    else if (n.op === 'flatten') y = e.node('Flatten', n.name, ins, [attrInt('axis', 1)]);
    else if (n.op === 'concat') y = e.node('Concat', n.name, ins, [attrInt('axis', 1)]);
    else y = e.node(ins.length === 1 ? 'Identity' : ins.length === 2 ? 'Add' : 'Sum', n.name, ins);
    env.set(n.output, y);
  }
  return env.get(g.output)!;
}

/** Serialises a configured layer tree and its values as an ONNX model. */
export function exportOnnx(src: ExportSource): Uint8Array {
  const e = new Emitter(src.values);
  let out = emitSeq(e, [src.root], INPUT_NAME);
  if (out === INPUT_NAME) out = e.node('Identity', 'identity', [INPUT_NAME]);
  for (const n of e.nodes) {
    n.outputs = n.outputs.map((o) => (o === out ? OUTPUT_NAME : o));
    n.inputs = n.inputs.map((i) => (i === out ? OUTPUT_NAME : i));
  }
  const batch = 'N';
  return encodeOnnx({
    irVersion: IR_VERSION,
    producerName: 'argon-nn',
    producerVersion: src.producerVersion ?? '',
    opsets: [{ domain: '', version: OPSET }],
    graph: {
      name: src.name,
      nodes: e.nodes,
      initializers: e.inits,
      inputs: [{ name: INPUT_NAME, elemType: DT.FLOAT, dims: [batch, ...src.inputShape] }],
      outputs: [{ name: OUTPUT_NAME, elemType: DT.FLOAT, dims: [batch, ...src.root.outShape] }],
    },
  });
}

export interface ModelLike {
  root: Layer;
  name: string;
  /** Per-sample input shape, or null when the model was never built nor loaded. */
  inputShape: readonly number[] | null;
  values: readonly { name: string; values: ArrayLike<number> }[];
}

/** Model.toOnnx: configures an unbuilt (e.g. just loaded) model's layers, then exports. */
export function modelToOnnx(m: ModelLike): Uint8Array {
  if (!m.inputShape) throw new Error('ONNX export: the model has no input shape yet (build, train or load it first)');
  if (!m.root.configured) {
    assignNames(m.root);
    m.root.configure(m.inputShape);
  }
  return exportOnnx({ root: m.root, inputShape: m.inputShape, name: m.name, values: new Map(m.values.map((v) => [v.name, v.values])) });
}
