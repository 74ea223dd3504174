// First stage of the ONNX importer: from a decoded graph to "dynamic" nodes, the ones that compute
// on the network input. Constants are folded away: initializers, Constant nodes and Identity nodes
// that read them (PyTorch's exporter shares equal initializers through Identity nodes); an Identity
// on a computed value stays a layer (Activation(Identity)), so Argon's own exports round-trip. Two patterns are fused: Pad (zeros, spatial, symmetric) into the
// Conv or LpPool that reads it, and Dropout followed by Mul(keep) (Argon's own export of neon
// dropout) into one Dropout. Every unsupported operator is listed in one error, with its node name.
import { DT, type OnnxAttribute, type OnnxModel, type OnnxNode, type OnnxTensor } from './codec.ts';

export const SUPPORTED_OPS = new Set([
  'Conv', 'BatchNormalization', 'Relu', 'LeakyRelu', 'Elu', 'Sigmoid', 'Tanh', 'Softmax', 'MaxPool', 'AveragePool', 'LpPool',
  'GlobalAveragePool', 'GlobalMaxPool', 'GlobalLpPool', 'Gemm', 'MatMul', 'Add', 'Sum', 'Mul', 'Div', 'Concat', 'Flatten',
  'Reshape', 'Identity', 'Dropout', 'Constant', 'Pad', 'Transpose',
]);

/** Ops that merge two or more computed inputs. */
export const MERGE_OPS = new Set(['Add', 'Sum', 'Concat']);

export interface DynNode {
  node: OnnxNode;
  /** A unique name for the layer(s) made from this node. */
  name: string;
  /** Computed (non-constant) inputs. */
  dyn: string[];
  /** The node's inputs that are constants, by input slot. */
  consts: (OnnxTensor | null)[];
  output: string;
  /** Spatial padding taken over from a Pad node in front (per spatial dim). */
  extraPads?: number[];
  /** A Dropout whose Mul(keep) was fused into it. */
  fusedScale?: boolean;
}

export interface Prepared {
  opset: number;
  input: string;
  /** The graph input's dims after N; null entries are unknown. */
  inputDims: (number | null)[] | null;
  output: string;
  nodes: DynNode[];
  names: Names;
}

export function fail(n: OnnxNode, why: string): never {
  throw new Error(`ONNX import: node '${n.name}' (${n.opType}): ${why}`);
}

export function attr(n: OnnxNode, name: string): OnnxAttribute | undefined {
  return n.attributes.find((a) => a.name === name);
}

export function attrInt(n: OnnxNode, name: string, fallback: number): number {
  const a = attr(n, name);
  return a?.i ?? fallback;
}

export function attrFloat(n: OnnxNode, name: string, fallback: number): number {
  const a = attr(n, name);
  return a?.f ?? (a?.i !== undefined ? a.i : fallback);
}

export function attrInts(n: OnnxNode, name: string): number[] | undefined {
  return attr(n, name)?.ints;
}

/** A constant's values as numbers (floats or integers). */
export function values(t: OnnxTensor): ArrayLike<number> {
  return t.floats ?? t.ints ?? [];
}

function constantOf(n: OnnxNode): OnnxTensor {
  const a = n.attributes[0];
  if (!a || n.attributes.length !== 1) fail(n, 'a Constant needs exactly one value attribute');
  const name = n.outputs[0];
  switch (a.name) {
    case 'value': return { ...a.t!, name };
    case 'value_float': return { name, dims: [], dataType: DT.FLOAT, floats: Float32Array.of(a.f ?? 0) };
    case 'value_floats': return { name, dims: [a.floats?.length ?? 0], dataType: DT.FLOAT, floats: Float32Array.from(a.floats ?? []) };
    case 'value_int': return { name, dims: [], dataType: DT.INT64, ints: [a.i ?? 0] };
    case 'value_ints': return { name, dims: [a.ints?.length ?? 0], dataType: DT.INT64, ints: [...(a.ints ?? [])] };
    default: return fail(n, `Constant attribute '${a.name}' is not supported`);
  }
}

/** Unique layer names; fork() copies the book, so a discarded attempt leaves no trace. */
export class Names {
  private used = new Set<string>();
  fork(): Names {
    const n = new Names();
    n.used = new Set(this.used);
    return n;
  }
  take(base: string): string {
    let name = base, i = 1;
    while (this.used.has(name)) name = `${base}_${i++}`;
    this.used.add(name);
    return name;
  }
}

export function prepare(m: OnnxModel): Prepared {
  const g = m.graph;
  const opset = m.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 13;
  const bad = g.nodes.filter((n) => (n.domain !== '' && n.domain !== 'ai.onnx') || !SUPPORTED_OPS.has(n.opType));
  if (bad.length) {
    throw new Error(`ONNX import: ${bad.length} node(s) use operators Argon does not support: ` +
      `${bad.map((n) => `${n.domain ? `${n.domain}.` : ''}${n.opType} (node '${n.name}')`).join(', ')}. ` +
      `Supported: ${[...SUPPORTED_OPS].join(', ')}`);
  }
  const consts = new Map<string, OnnxTensor>(g.initializers.map((t) => [t.name, t]));
  const inputs = g.inputs.filter((v) => !consts.has(v.name));
  if (inputs.length !== 1) {
    throw new Error(`ONNX import: the graph has ${inputs.length} inputs (${inputs.map((v) => `'${v.name}'`).join(', ')}); Argon models take exactly one`);
  }
  if (g.outputs.length !== 1) {
    throw new Error(`ONNX import: the graph has ${g.outputs.length} outputs (${g.outputs.map((v) => `'${v.name}'`).join(', ')}); Argon models have exactly one`);
  }
  const input = inputs[0];
  if (input.elemType !== DT.FLOAT && input.elemType !== 0) throw new Error(`ONNX import: the input '${input.name}' has element type ${input.elemType}; only float32 is supported`);
  const names = new Names();
  g.nodes.forEach((n, i) => { n.name = names.take(n.name || `${n.opType}_${i}`); });

  const known = new Set<string>([input.name]);
  let nodes: DynNode[] = [];
  for (const n of g.nodes) {
    for (const v of n.inputs) {
      if (v !== '' && !consts.has(v) && !known.has(v)) fail(n, `input '${v}' is produced by no earlier node (the graph must be topologically sorted)`);
    }
    if (n.opType === 'Constant') { consts.set(n.outputs[0], constantOf(n)); continue; }
    const inConsts = n.inputs.map((v) => consts.get(v) ?? null);
    if (n.opType === 'Identity' && inConsts[0]) { consts.set(n.outputs[0], { ...inConsts[0], name: n.outputs[0] }); continue; }
    // PyTorch writes a bias-free Linear as MatMul(x, Transpose(W)) when constant folding is off.
    if (n.opType === 'Transpose') {
      if (!inConsts[0]) fail(n, 'Transpose of a computed tensor is not supported (only of a constant, which is folded)');
      consts.set(n.outputs[0], transposed(inConsts[0], attrInts(n, 'perm'), n.outputs[0]));
      continue;
    }
    const dyn = n.inputs.filter((v, i) => v !== '' && !inConsts[i]);
    if (dyn.length === 0) fail(n, 'computes only from constants (fold constants before exporting, e.g. do_constant_folding=True)');
    known.add(n.outputs[0]);
    nodes.push({ node: n, name: n.name, dyn, consts: inConsts, output: n.outputs[0] });
  }
  let output = g.outputs[0].name;
  if (consts.has(g.outputs[0].name)) throw new Error(`ONNX import: the output '${g.outputs[0].name}' is a constant`);

  // Secondary outputs (masks, indices, training statistics) must be unused.
  const read = new Set<string>([output, ...nodes.flatMap((d) => d.dyn)]);
  for (const d of nodes) {
    for (const o of d.node.outputs.slice(1)) if (o && read.has(o)) fail(d.node, `its output '${o}' (beyond the first) is used; only the first output is supported`);
  }

  const consumers = (v: string) => nodes.filter((d) => d.dyn.includes(v));
  const redirect = (from: string, to: string) => {
    for (const d of nodes) d.dyn = d.dyn.map((v) => (v === from ? to : v));
    if (output === from) output = to;
  };
  const removed = new Set<DynNode>();
  for (const d of nodes) {
    if (d.node.opType === 'Pad') {
      const users = consumers(d.output);
      const target = users.length === 1 && output !== d.output && ['Conv', 'LpPool'].includes(users[0].node.opType) ? users[0] : null;
      if (!target) fail(d.node, 'a Pad is supported only when its one reader is a Conv or an LpPool (zero padding folds into their pads)');
      target.extraPads = padAmounts(d, opset);
      redirect(d.output, d.dyn[0]);
      removed.add(d);
    } else if (d.node.opType === 'Dropout') {
      const users = consumers(d.output);
      const mul = users.length === 1 && users[0].node.opType === 'Mul' && output !== d.output ? users[0] : null;
      const scale = mul?.consts.find((c) => c !== null);
      const keep = 1 - dropoutRatio(d, opset);
      if (mul && scale && values(scale).length === 1 && Math.abs(values(scale)[0] - keep) <= 1e-6) {
        d.fusedScale = true;
        redirect(mul.output, d.output);
        removed.add(mul);
      }
    }
  }
  nodes = nodes.filter((d) => !removed.has(d));
  const dims = input.dims ? input.dims.slice(1).map((v) => (typeof v === 'number' && v > 0 ? v : null)) : null;
  return { opset, input: input.name, inputDims: dims, output, nodes, names };
}

/** A constant tensor with its axes permuted (default: reversed), as ONNX Transpose. */
function transposed(t: OnnxTensor, perm: number[] | undefined, name: string): OnnxTensor {
  const rank = t.dims.length, p = perm ?? t.dims.map((_, i) => rank - 1 - i);
  const dims = p.map((a) => t.dims[a]);
  const src = values(t), strides = t.dims.map((_, i) => t.dims.slice(i + 1).reduce((a, b) => a * b, 1));
  const out = new Float64Array(src.length), idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    out[o] = src[p.reduce((acc, a, i) => acc + idx[i] * strides[a], 0)];
    for (let i = rank - 1; i >= 0 && ++idx[i] === dims[i]; i--) idx[i] = 0;
  }
  return t.floats ? { name, dims, dataType: t.dataType, floats: Float32Array.from(out) } : { name, dims, dataType: t.dataType, ints: Array.from(out) };
}

/** Dropout's ratio: an input from opset 12, an attribute before; 0.5 by default. */
export function dropoutRatio(d: DynNode, opset: number): number {
  const c = d.consts[1];
  if (opset >= 12) return c ? values(c)[0] : 0.5;
  return attrFloat(d.node, 'ratio', 0.5);
}

/** The spatial padding of a Pad node; only zero, symmetric, spatial padding folds into a Conv or LpPool. */
function padAmounts(d: DynNode, opset: number): number[] {
  const n = d.node;
  const mode = attr(n, 'mode')?.s ?? 'constant';
  if (mode !== 'constant') fail(n, `Pad mode '${mode}' is not supported (only constant zeros)`);
  const pads = opset >= 11 ? (d.consts[1] ? Array.from(values(d.consts[1])) : null) : attrInts(n, 'pads') ?? null;
  if (!pads) fail(n, 'the pads must be a constant');
  const value = opset >= 11 ? (d.consts[2] ? values(d.consts[2])[0] ?? 0 : 0) : attrFloat(n, 'value', 0);
  if (value !== 0) fail(n, `padding with ${value} is not supported (only zeros)`);
  if (d.node.inputs[3]) fail(n, 'the axes input is not supported');
  const rank = pads.length / 2;
  const begin = pads.slice(0, rank), end = pads.slice(rank);
  if (begin[0] || end[0] || begin[1] || end[1]) fail(n, 'padding of the batch or channel axis is not supported');
  if (begin.some((v, i) => v !== end[i] || v < 0)) fail(n, `asymmetric or negative padding [${pads.join(', ')}] is not supported`);
  return begin.slice(2);
}

