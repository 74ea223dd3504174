// ONNX → Argon layers. Stage 1 (prep.ts) folds constants and fuses patterns; stage 2 (ops.ts)
// converts single-input nodes; this stage recovers neon's structure: a chain becomes a Sequential,
// a tensor read by several branches that meet again at one Add/Sum (Concat on channels) becomes a
// MergeSum (MergeBroadcast), the identity branch a SkipNode — recursively, so residual blocks nest.
// A graph that is not built from such blocks (one tensor feeding two different merges, a Flatten that
// no Linear absorbs) becomes a general Graph container instead of an error.
import {
  Activation, DataTransform, Dropout, Graph, Linear, MergeBroadcast, MergeSum, Sequential, SkipNode, assignNames,
  type GraphNode, type Layer,
} from '../layers/index.ts';
import { sameShape, shapeString } from '../shape.ts';
import { decodeOnnx } from './codec.ts';
import { concatAxis, convertNode, type ConvertContext } from './ops.ts';
import { MERGE_OPS, fail, prepare, type DynNode, type Prepared } from './prep.ts';

export interface OnnxImportOptions {
  /** Per-sample input shape [C, H, W]; needed when the file leaves H or W symbolic. */
  inputShape?: readonly number[];
  /** Model name (default: the ONNX graph's name). */
  name?: string;
  /** Where the bytes came from (a file path), for error messages. */
  source?: string;
}

export interface OnnxImport {
  root: Sequential;
  inputShape: number[];
  tensors: Map<string, { shape: number[]; values: Float32Array }>;
  name: string;
  /** 'nested': Sequential/MergeSum/MergeBroadcast; 'graph': a Graph container was needed. */
  structure: 'nested' | 'graph';
  producer: string;
  opset: number;
}

/** Thrown when the graph does not decompose into neon's containers (caught: Graph fallback). */
class NotNested extends Error {}

interface Cursor { value: string; shape: number[]; flat: boolean }
interface Run { layers: Layer[]; cur: Cursor; stop: DynNode | null }

const isMerge = (d: DynNode) => d.dyn.length >= 2;
const elementwise = (l: Layer) => l instanceof Activation || l instanceof DataTransform || l instanceof Dropout;

class Nester {
  private consumers = new Map<string, DynNode[]>();

  constructor(private readonly p: Prepared, private readonly ctx: ConvertContext) {
    for (const d of p.nodes) for (const v of d.dyn) this.consumers.set(v, [...(this.consumers.get(v) ?? []), d]);
  }

  build(inShape: number[]): Layer[] {
    const r = this.run({ value: this.p.input, shape: inShape, flat: false }, null);
    if (r.stop) throw new NotNested(`'${r.stop.name}' merges values that do not split from one tensor`);
    if (r.cur.flat) throw new NotNested('the network ends with a Flatten');
    return r.layers;
  }

  private apply(d: DynNode, cur: Cursor, layers: Layer[]): Cursor {
    const c = convertNode(d, cur.shape, this.ctx);
    let flat = cur.flat;
    for (const u of c.units) {
      if (u.kind === 'flatten') { flat = true; continue; }
      if (flat && !elementwise(u.layer)) {
        if (!(u.layer instanceof Linear)) throw new NotNested(`a Flatten before '${d.name}' (${d.node.opType})`);
        flat = false;
      }
      layers.push(u.layer);
    }
    return { value: d.output, shape: c.outShape, flat };
  }

  private run(start: Cursor, first: DynNode | null): Run {
    const layers: Layer[] = [];
    let cur = first ? this.apply(first, start, layers) : start;
    for (;;) {
      const users = this.consumers.get(cur.value) ?? [];
      if (users.length === 0) return { layers, cur, stop: null };
      if (cur.value === this.p.output) throw new NotNested('the output is also read inside the graph');
      if (users.length === 1 && !isMerge(users[0])) { cur = this.apply(users[0], cur, layers); continue; }
      if (users.length === 1) return { layers, cur, stop: users[0] };
      const runs = users.map((u): Run => (isMerge(u) ? { layers: [], cur, stop: u } : this.run(cur, u)));
      const m = runs[0].stop;
      if (!m || runs.some((r) => r.stop !== m) || m.dyn.length !== runs.length) throw new NotNested(`the branches from '${cur.value}' do not meet at one node`);
      const left = [...runs];
      const ordered = m.dyn.map((v) => {
        const i = left.findIndex((r) => r.cur.value === v);
        if (i < 0) throw new NotNested(`'${m.name}' reads '${v}' from outside its block`);
        return left.splice(i, 1)[0];
      });
      if (ordered.some((r) => r.cur.flat)) throw new NotNested(`a Flatten inside a branch of '${m.name}'`);
      const { layer, shape } = mergeLayer(m, ordered.map((r) => r.layers), ordered.map((r) => r.cur.shape));
      layers.push(layer);
      cur = { value: m.output, shape, flat: false };
    }
  }
}

function mergeShape(m: DynNode, shapes: readonly (readonly number[])[]): number[] {
  const op = m.node.opType;
  if (!MERGE_OPS.has(op)) fail(m.node, `${op} of two computed tensors is not supported (only Add, Sum and Concat merge branches)`);
  if (m.consts.some((c) => c !== null)) fail(m.node, `${op} of computed tensors and a constant is not supported`);
  if (op === 'Concat') {
    concatAxis(m, shapes[0]);
    shapes.forEach((s, i) => {
      if (!sameShape(s.slice(1), shapes[0].slice(1))) fail(m.node, `input ${i} is [N, ${s.join(', ')}], input 0 is [N, ${shapes[0].join(', ')}] (they must agree after the channel axis)`);
    });
    return [shapes.reduce((c, s) => c + s[0], 0), ...shapes[0].slice(1)];
  }
  shapes.forEach((s, i) => {
    if (!sameShape(s, shapes[0])) fail(m.node, `input ${i} is [N, ${s.join(', ')}] but input 0 is [N, ${shapes[0].join(', ')}] (broadcasting adds are not supported)`);
  });
  return [...shapes[0]];
}

function mergeLayer(m: DynNode, branches: Layer[][], shapes: number[][]): { layer: Layer; shape: number[] } {
  const shape = mergeShape(m, shapes);
  const seqs = branches.map((b) => (b.length ? b : [new SkipNode()]));
  const layer = m.node.opType === 'Concat' ? new MergeBroadcast(seqs, { name: m.name, merge: 'depth' }) : new MergeSum(seqs, { name: m.name });
  return { layer, shape };
}

/** Any DAG: one Graph node per layer run, add/concat/flatten nodes for the rest. */
function buildGraph(p: Prepared, ctx: ConvertContext, inShape: number[]): Layer[] {
  const shapes = new Map<string, number[]>([[p.input, inShape]]);
  const alias = new Map<string, string>();
  const edge = (v: string) => alias.get(v) ?? v;
  const nodes: GraphNode[] = [];
  for (const d of p.nodes) {
    const ins = d.dyn.map(edge);
    if (isMerge(d)) {
      const shape = mergeShape(d, ins.map((v) => shapes.get(v)!));
      nodes.push({ name: d.name, op: d.node.opType === 'Concat' ? 'concat' : 'add', inputs: ins, output: d.output });
      shapes.set(d.output, shape);
      continue;
    }
    const c = convertNode(d, shapes.get(ins[0])!, ctx);
    let at = ins[0], pending: Layer[] = [], k = 0;
    const flush = (last: boolean) => {
      if (!pending.length) return;
      const out = last ? d.output : `${d.output}#${k++}`;
      nodes.push({ name: pending[0].name || d.name, op: 'layer', inputs: [at], output: out, layer: pending.length === 1 ? pending[0] : new Sequential(pending) });
      at = out;
      pending = [];
    };
    c.units.forEach((u, i) => {
      const last = i === c.units.length - 1;
      if (u.kind === 'layer') { pending.push(u.layer); return; }
      flush(false);
      const out = last ? d.output : `${d.output}#${k++}`;
      nodes.push({ name: c.units.length === 1 ? d.name : ctx.names.take(`${d.name}_flatten`), op: 'flatten', inputs: [at], output: out });
      at = out;
    });
    flush(true);
    if (at !== d.output) alias.set(d.output, at);
    shapes.set(d.output, c.outShape);
  }
  let output = edge(p.output);
  // A final Activation moves out of the Graph, so the cost can fuse it (Softmax/Logistic + cross-entropy).
  const lastNode = nodes.find((n) => n.output === output);
  let tail: Layer[] = [];
  if (lastNode?.layer instanceof Activation && !nodes.some((n) => n.inputs.includes(output))) {
    nodes.splice(nodes.indexOf(lastNode), 1);
    output = lastNode.inputs[0];
    tail = [lastNode.layer];
  }
  return [new Graph({ input: p.input, output, nodes }), ...tail];
}

/** Keeps only the nodes the output depends on. */
function prune(p: Prepared): void {
  const live = new Set<string>([p.output]);
  const keep = new Set<DynNode>();
  for (let i = p.nodes.length - 1; i >= 0; i--) {
    const d = p.nodes[i];
    if (d.node.outputs.some((o) => live.has(o)) || live.has(d.output)) {
      keep.add(d);
      for (const v of d.dyn) live.add(v);
    }
  }
  p.nodes = p.nodes.filter((d) => keep.has(d));
}

function resolveInputShape(p: Prepared, given: readonly number[] | undefined): number[] {
  if (given) {
    if (!Array.isArray(given) || given.length === 0 || given.some((v) => !Number.isInteger(v) || v < 1)) {
      throw new Error(`ONNX import: inputShape must be positive integers [C, H, W], got ${JSON.stringify(given)}`);
    }
    if (p.inputDims && p.inputDims.length !== given.length) {
      throw new Error(`ONNX import: inputShape ${shapeString(given)} has ${given.length} dims, the input '${p.input}' has ${p.inputDims.length} after N`);
    }
    return [...given];
  }
  if (!p.inputDims || p.inputDims.some((v) => v === null)) {
    const dims = p.inputDims ? p.inputDims.map((v) => v ?? '?').join(', ') : 'unknown';
    throw new Error(`ONNX import: the input '${p.input}' has dims [N, ${dims}]; pass inputShape (e.g. [3, 224, 224])`);
  }
  return p.inputDims as number[];
}

export function importOnnx(bytes: Uint8Array, opts: OnnxImportOptions = {}): OnnxImport {
  const model = decodeOnnx(bytes, opts.source);
  const p = prepare(model);
  prune(p);
  const inputShape = resolveInputShape(p, opts.inputShape);
  const fresh = (): ConvertContext => ({ opset: p.opset, names: p.names.fork(), tensors: new Map() });
  let ctx = fresh();
  let layers: Layer[];
  let structure: OnnxImport['structure'] = 'nested';
  try {
    layers = new Nester(p, ctx).build(inputShape);
  } catch (e) {
    if (!(e instanceof NotNested)) throw e;
    ctx = fresh();
    layers = buildGraph(p, ctx, inputShape);
    structure = 'graph';
  }
  if (layers.length === 0) layers = [new SkipNode()];
  const root = new Sequential(layers);
  try {
    assignNames(root);
    root.configure(inputShape);
  } catch (e) {
    throw new Error(`ONNX import: ${(e as Error).message}`);
  }
  return {
    root, inputShape, tensors: ctx.tensors, name: opts.name ?? (model.graph.name || 'model'), structure,
    producer: `${model.producerName} ${model.producerVersion}`.trim(), opset: p.opset,
  };
}
