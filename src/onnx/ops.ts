// Second stage of the ONNX importer: one node with one computed input → Argon layers, with the
// node's per-sample output shape (ONNX shapes without N, which equal Argon's per-sample shapes).
// Every mismatch names the node. Merging nodes (Add/Sum/Concat of computed values) are handled by
// the structure stage (import.ts).
import {
  Activation, BatchNorm, Bias, Convolution, DataTransform, Dropout, Linear, Pooling, type Layer,
} from '../layers/index.ts';
import { Explin, Identity, Logistic, Normalizer, Rectlin, Softmax, Tanh, type ActivationTransform } from '../nn/activations.ts';
import { shapeString, sizeOf } from '../shape.ts';
import type { OnnxTensor } from './codec.ts';
import {
  checkImage, configure, floats, layerUnit, make, windowPads, type ConvertContext, type Converted, type Unit,
} from './ops-util.ts';
import { attrFloat, attrInt, attrInts, dropoutRatio, fail, values, type DynNode } from './prep.ts';

export type { ConvertContext, Converted, Unit } from './ops-util.ts';

function conv(d: DynNode, inShape: readonly number[], ctx: ConvertContext): Converted {
  const n = d.node;
  const w = d.consts[1];
  const wv = floats(d, w, 'weight');
  if (d.consts[0]) fail(n, 'the data input must be the computed tensor');
  const group = attrInt(n, 'group', 1);
  if (group !== 1) fail(n, `grouped convolution (group = ${group}) is not supported`);
  const [k, c, ...kernel] = w!.dims;
  const dims = kernel.length;
  if (dims < 1 || dims > 3) fail(n, `weight dims [${w!.dims.join(', ')}]: 1 to 3 spatial dims are supported`);
  checkImage(d, inShape, dims);
  if (inShape[0] !== c) fail(n, `the input has ${inShape[0]} channels, the weight [${w!.dims.join(', ')}] expects ${c}`);
  const ks = attrInts(n, 'kernel_shape');
  if (ks && ks.some((v, i) => v !== kernel[i])) fail(n, `kernel_shape [${ks.join(', ')}] disagrees with the weight [${w!.dims.join(', ')}]`);
  const strides = attrInts(n, 'strides') ?? new Array<number>(dims).fill(1);
  const dilation = attrInts(n, 'dilations') ?? new Array<number>(dims).fill(1);
  const padding = windowPads(d, inShape, kernel, strides, dilation);
  const layer = make(d, () => new Convolution([...kernel, k], { name: d.name, strides, padding, dilation }));
  ctx.tensors.set(`${d.name}.W`, { shape: [...w!.dims], values: wv });
  const out = configure(d, layer, inShape);
  const units = [layerUnit(layer)];
  if (n.inputs[2]) units.push(bias(d, ctx, d.consts[2]!, k));
  return { units, outShape: out };
}

/** A Bias after a Conv or Gemm. Its name comes from the bias initializer when that reads
 *  '<layer>.b' (Argon's own export), so export → import → export keeps every name. */
function bias(d: DynNode, ctx: ConvertContext, t: OnnxTensor, c: number): Unit {
  const v = floats(d, t, 'bias');
  if (v.length !== c && v.length !== 1) fail(d.node, `the bias has ${v.length} values for ${c} channels`);
  const name = ctx.names.take(t.name.endsWith('.b') && t.name.length > 2 ? t.name.slice(0, -2) : `${d.name}_bias`);
  ctx.tensors.set(`${name}.b`, { shape: [c], values: v.length === c ? Float32Array.from(v) : new Float32Array(c).fill(v[0]) });
  return layerUnit(new Bias({ name }));
}

function batchNorm(d: DynNode, inShape: readonly number[], ctx: ConvertContext): Converted {
  const n = d.node;
  if (attrInt(n, 'training_mode', 0) !== 0) fail(n, 'training_mode = 1 is not supported (export the model in eval mode)');
  if (ctx.opset < 9 && attrInt(n, 'spatial', 1) !== 1) fail(n, 'spatial = 0 is not supported');
  if (inShape.length < 1) fail(n, 'expects an input [N, C, ...]');
  const c = inShape[0];
  const parts = (['gamma', 'beta', 'runMean', 'runVar'] as const).map((s, i) => {
    const v = floats(d, d.consts[i + 1], ['scale', 'bias', 'mean', 'var'][i]);
    if (v.length !== c) fail(n, `${['scale', 'bias', 'mean', 'var'][i]} has ${v.length} values, the input has ${c} channels`);
    return [s, v] as const;
  });
  const layer = make(d, () => new BatchNorm({ name: d.name, eps: attrFloat(n, 'epsilon', 1e-5), rho: attrFloat(n, 'momentum', 0.9) }));
  for (const [s, v] of parts) ctx.tensors.set(`${d.name}.${s}`, { shape: [c], values: v });
  return { units: [layerUnit(layer)], outShape: configure(d, layer, inShape) };
}

function activation(d: DynNode, inShape: readonly number[], t: ActivationTransform): Converted {
  const layer = new Activation(t, { name: d.name });
  return { units: [layerUnit(layer)], outShape: configure(d, layer, inShape) };
}

function softmax(d: DynNode, inShape: readonly number[], ctx: ConvertContext): Converted {
  const rank = inShape.length + 1;
  let axis = attrInt(d.node, 'axis', ctx.opset >= 13 ? -1 : 1);
  if (axis < 0) axis += rank;
  // Before opset 13 Softmax flattens [axis:] into one axis; over channels only when nothing follows them.
  const channels = axis === 1 && (ctx.opset >= 13 || sizeOf(inShape.slice(1)) === 1);
  if (!channels) fail(d.node, `softmax over axis ${axis} of [N, ${inShape.join(', ')}] is not supported (Argon's softmax runs over the channel axis 1)`);
  return activation(d, inShape, new Softmax());
}

function pooling(d: DynNode, inShape: readonly number[]): Converted {
  const n = d.node, type = n.opType;
  if (type.startsWith('Global')) {
    if (inShape.length < 2) fail(n, `expects an input [N, C, spatial…], got [N, ${inShape.join(', ')}]`);
    const p = type === 'GlobalLpPool' ? attrInt(n, 'p', 2) : 0;
    const op = type === 'GlobalAveragePool' ? 'avg' : type === 'GlobalMaxPool' ? 'max' : p === 2 ? 'l2' : 'lp';
    const layer = make(d, () => new Pooling('all', { name: d.name, op, ...(op === 'lp' ? { p } : {}) }));
    return { units: [layerUnit(layer)], outShape: configure(d, layer, inShape) };
  }
  const kernel = attrInts(n, 'kernel_shape');
  if (!kernel) fail(n, 'kernel_shape is required');
  const dims = kernel.length;
  checkImage(d, inShape, dims);
  const strides = attrInts(n, 'strides') ?? new Array<number>(dims).fill(1);
  const dil = attrInts(n, 'dilations');
  if (dil && dil.some((v) => v !== 1)) fail(n, `dilations [${dil.join(', ')}] are not supported for pooling`);
  const padding = windowPads(d, inShape, kernel, strides, kernel.map(() => 1));
  if (attrInt(n, 'ceil_mode', 0) === 1) {
    const differs = kernel.some((k, i) => {
      const span = inShape[1 + i] + 2 * padding[i] - k;
      return Math.ceil(span / strides[i]) !== Math.floor(span / strides[i]);
    });
    if (differs) fail(n, 'ceil_mode = 1 changes the output size here, which is not supported (Argon rounds down)');
  }
  if (type === 'AveragePool' && attrInt(n, 'count_include_pad', 0) === 1 && padding.some((v) => v > 0)) {
    fail(n, 'count_include_pad = 1 with padding is not supported (Argon\'s average pooling never counts padded cells)');
  }
  const p = type === 'LpPool' ? attrInt(n, 'p', 2) : 0;
  const op = type === 'MaxPool' ? 'max' : type === 'AveragePool' ? 'avg' : p === 2 ? 'l2' : 'lp';
  const layer = make(d, () => new Pooling(kernel, { name: d.name, op, strides, padding, ...(op === 'lp' ? { p } : {}) }));
  return { units: [layerUnit(layer)], outShape: configure(d, layer, inShape) };
}

function dense(d: DynNode, inShape: readonly number[], ctx: ConvertContext, w: Float32Array, nout: number, nin: number, b: OnnxTensor | null): Converted {
  if (sizeOf(inShape) !== nin) fail(d.node, `the input has ${sizeOf(inShape)} values per sample (${shapeString(inShape)}), the weight expects ${nin}`);
  const layer = new Linear(nout, { name: d.name });
  ctx.tensors.set(`${d.name}.W`, { shape: [nout, nin], values: w });
  const units = [layerUnit(layer)];
  if (b) units.push(bias(d, ctx, b, nout));
  return { units, outShape: [nout] };
}

function transpose(v: Float32Array, rows: number, cols: number, alpha = 1): Float32Array {
  const out = new Float32Array(v.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = alpha * v[r * cols + c];
  return out;
}

function gemm(d: DynNode, inShape: readonly number[], ctx: ConvertContext): Converted {
  const n = d.node;
  if (d.consts[0]) fail(n, 'input A must be the computed tensor');
  if (attrInt(n, 'transA', 0)) fail(n, 'transA = 1 is not supported');
  const b = d.consts[1];
  const bv = floats(d, b, 'weight B');
  if (b!.dims.length !== 2) fail(n, `B must be 2-D, got [${b!.dims.join(', ')}]`);
  const alpha = attrFloat(n, 'alpha', 1), beta = attrFloat(n, 'beta', 1);
  const transB = attrInt(n, 'transB', 0) === 1;
  const [nout, nin] = transB ? b!.dims : [b!.dims[1], b!.dims[0]];
  const w = transB ? (alpha === 1 ? bv : bv.map((v) => alpha * v)) : transpose(bv, b!.dims[0], b!.dims[1], alpha);
  let c: OnnxTensor | null = null;
  if (n.inputs[2]) {
    const cv = floats(d, d.consts[2], 'C');
    const cd = d.consts[2]!.dims;
    if (!(cv.length === 1 || (cv.length === nout && cd[cd.length - 1] === nout))) fail(n, `C of shape [${cd.join(', ')}] is not a per-output bias`);
    c = { ...d.consts[2]!, floats: beta === 1 ? cv : cv.map((v) => beta * v) };
  }
  return dense(d, inShape, ctx, w, nout, nin, c);
}

function matmul(d: DynNode, inShape: readonly number[], ctx: ConvertContext): Converted {
  const n = d.node;
  const b = d.consts[1];
  if (d.consts[0] || !b) fail(n, 'only x · W with a constant W on the right is supported');
  const bv = floats(d, b, 'weight');
  if (b.dims.length !== 2) fail(n, `the weight must be 2-D, got [${b.dims.join(', ')}]`);
  if (inShape.length !== 1) fail(n, `expects an input [N, features], got [N, ${inShape.join(', ')}]`);
  return dense(d, inShape, ctx, transpose(bv, b.dims[0], b.dims[1]), b.dims[1], b.dims[0], null);
}

function addConstant(d: DynNode, inShape: readonly number[], ctx: ConvertContext): Converted {
  const t = d.consts.find((c) => c !== null)!;
  const v = values(t), c = inShape[0], full = [0, ...inShape];
  let ok = v.length === 1;
  if (!ok && t.dims.length <= full.length) {
    const dims = [...new Array<number>(full.length - t.dims.length).fill(1), ...t.dims];
    ok = dims.every((x, i) => (i === 1 ? x === c : x === 1));
  }
  if (!ok) fail(d.node, `adding a constant of shape [${t.dims.join(', ')}] to [N, ${inShape.join(', ')}] is not supported (only per-channel constants, which become a Bias)`);
  const name = d.name;
  ctx.tensors.set(`${name}.b`, { shape: [c], values: v.length === c ? Float32Array.from(v) : new Float32Array(c).fill(v[0]) });
  return { units: [layerUnit(new Bias({ name }))], outShape: [...inShape] };
}

function scaleBy(d: DynNode, inShape: readonly number[]): Converted {
  const n = d.node;
  const slot = d.consts.findIndex((c) => c !== null);
  const t = d.consts[slot];
  if (!t || values(t).length !== 1) fail(n, `only ${n.opType === 'Mul' ? 'multiplication' : 'division'} by a scalar constant is supported (it becomes a Normalizer)`);
  if (n.opType === 'Div' && slot === 0) fail(n, 'dividing a constant by the tensor is not supported');
  const c = values(t)[0];
  const layer = make(d, () => new DataTransform(new Normalizer({ divisor: n.opType === 'Mul' ? 1 / c : c }), { name: d.name }));
  return { units: [layerUnit(layer)], outShape: [...inShape] };
}

function flattenTo(inShape: readonly number[]): Converted {
  return { units: inShape.length > 1 ? [{ kind: 'flatten' }] : [], outShape: [sizeOf(inShape)] };
}

function reshape(d: DynNode, inShape: readonly number[]): Converted {
  const n = d.node;
  const t = d.consts[1];
  if (!t || !t.ints) fail(n, 'the target shape must be a constant');
  const target = [...t.ints], size = sizeOf(inShape);
  const allowZero = attrInt(n, 'allowzero', 0) === 1;
  if (target[0] !== -1 && !(target[0] === 0 && !allowZero)) {
    fail(n, `Reshape to [${target.join(', ')}] fixes the batch axis; use 0 or -1 there`);
  }
  const rest = target.slice(1).map((v, i) => (v === 0 && !allowZero ? inShape[i] : v));
  const known = rest.filter((v) => v !== -1).reduce((a, b) => a * b, 1);
  const free = rest.filter((v) => v === -1).length;
  if (target[0] === -1 && free) fail(n, `Reshape to [${target.join(', ')}] has two inferred axes`);
  const resolved = rest.map((v) => (v === -1 ? size / known : v));
  if (resolved.some((v) => !Number.isInteger(v) || v < 1) || sizeOf(resolved) !== size) {
    fail(n, `cannot reshape [N, ${inShape.join(', ')}] to [${target.join(', ')}]`);
  }
  if (resolved.length === inShape.length && resolved.every((v, i) => v === inShape[i])) return { units: [], outShape: [...inShape] };
  if (resolved.length === 1) return flattenTo(inShape);
  return fail(n, `Reshape [N, ${inShape.join(', ')}] → [N, ${resolved.join(', ')}] is not supported (only flattening to [N, features])`);
}

function dropout(d: DynNode, inShape: readonly number[], ctx: ConvertContext): Converted {
  const keep = 1 - dropoutRatio(d, ctx.opset);
  const layer = make(d, () => new Dropout({ name: d.name, keep }));
  const units = [layerUnit(layer)];
  // ONNX (PyTorch) dropout is inverted: ×mask/keep in training, the identity at inference. neon's
  // Dropout is ×mask in training and ×keep at inference, so a Normalizer(keep) completes it.
  if (!d.fusedScale && keep < 1) units.push(layerUnit(new DataTransform(new Normalizer({ divisor: keep }), { name: ctx.names.take(`${d.name}_rescale`) })));
  return { units, outShape: [...inShape] };
}

/** Converts a node with one computed input. */
export function convertNode(d: DynNode, inShape: readonly number[], ctx: ConvertContext): Converted {
  const n = d.node;
  switch (n.opType) {
    case 'Conv': return conv(d, inShape, ctx);
    case 'BatchNormalization': return batchNorm(d, inShape, ctx);
    case 'Relu': return activation(d, inShape, new Rectlin());
    case 'LeakyRelu': return activation(d, inShape, new Rectlin({ slope: attrFloat(n, 'alpha', 0.01) }));
    case 'Elu': return activation(d, inShape, new Explin({ alpha: attrFloat(n, 'alpha', 1) }));
    case 'Sigmoid': return activation(d, inShape, new Logistic());
    case 'Tanh': return activation(d, inShape, new Tanh());
    case 'Identity': return activation(d, inShape, new Identity());
    case 'Softmax': return softmax(d, inShape, ctx);
    case 'MaxPool': case 'AveragePool': case 'LpPool': case 'GlobalAveragePool': case 'GlobalMaxPool': case 'GlobalLpPool':
      return pooling(d, inShape);
    case 'Gemm': return gemm(d, inShape, ctx);
    case 'MatMul': return matmul(d, inShape, ctx);
    case 'Add': return addConstant(d, inShape, ctx);
    case 'Sum': case 'Concat':
      if (d.consts.some((c) => c !== null)) fail(n, `${n.opType} with a constant input is not supported`);
      if (n.opType === 'Concat') concatAxis(d, inShape);
      return { units: [], outShape: [...inShape] };
    case 'Mul': case 'Div': return scaleBy(d, inShape);
    case 'Flatten': {
      let axis = attrInt(n, 'axis', 1);
      if (axis < 0) axis += inShape.length + 1;
      if (axis !== 1) fail(n, `Flatten with axis ${axis} is not supported (only axis 1: [N, C, …] → [N, C·…])`);
      return flattenTo(inShape);
    }
    case 'Reshape': return reshape(d, inShape);
    case 'Dropout': return dropout(d, inShape, ctx);
    default: return fail(n, 'is not supported here');
  }
}

/** Concat must join the channel axis. */
export function concatAxis(d: DynNode, inShape: readonly number[]): void {
  let axis = attrInt(d.node, 'axis', 1);
  if (axis < 0) axis += inShape.length + 1;
  if (axis !== 1) fail(d.node, `Concat along axis ${axis} is not supported (only the channel axis 1)`);
}
