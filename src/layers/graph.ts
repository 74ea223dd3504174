// Graph: a general DAG of layers with named edges, for networks that neon's containers (Sequential,
// MergeSum, MergeBroadcast) cannot express, e.g. an ONNX model where one tensor feeds two merges.
// Each node reads named edges and writes one: 'layer' runs a layer on one edge, 'add' sums edges of
// equal shape, 'concat' joins edges along the channel axis, 'flatten' turns [C, ...] into [C·…].
// Nodes run in a topological order computed once (the given order breaks ties), so the spec may list
// them in any order; a cycle, an edge nobody writes or an edge written twice is an error naming the node.
import * as ops from '../ops/index.ts';
import { sameShape, shapeString, sizeOf } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { Layer, type LayerConfig, type LayerInfo, type RunContext } from './layer.ts';
import { baseConfig, type LayerOptions } from './common.ts';
import { Container } from './container.ts';

export type GraphOp = 'layer' | 'add' | 'concat' | 'flatten';
const OPS: readonly GraphOp[] = ['layer', 'add', 'concat', 'flatten'];

export interface GraphNode {
  readonly name: string;
  readonly op: GraphOp;
  readonly inputs: readonly string[];
  readonly output: string;
  /** Only for op 'layer'. */
  readonly layer?: Layer;
}

export interface GraphSpec {
  /** The edge that carries the model input. */
  readonly input: string;
  /** The edge whose value the graph returns. */
  readonly output: string;
  readonly nodes: readonly GraphNode[];
}

export class Graph extends Container {
  readonly type = 'Graph';
  readonly input: string;
  readonly output: string;
  /** In execution (topological) order. */
  readonly nodes: readonly GraphNode[];
  private edgeShapes = new Map<string, readonly number[]>();

  constructor(spec: GraphSpec, opts: LayerOptions = {}) {
    super(opts);
    if (typeof spec !== 'object' || spec === null || !Array.isArray(spec.nodes)) throw new Error('Graph: expected { input, output, nodes: [...] }');
    if (typeof spec.input !== 'string' || typeof spec.output !== 'string') throw new Error('Graph: input and output must be edge names');
    this.input = spec.input;
    this.output = spec.output;
    this.nodes = order(spec);
  }

  children(): Layer[] {
    return this.nodes.flatMap((n) => (n.layer ? [n.layer] : []));
  }

  private nodeLabel(n: GraphNode): string {
    return `${this.label()}: node '${n.name}' (${n.op})`;
  }

  protected infer(inShape: readonly number[]): readonly number[] {
    const shapes = new Map<string, readonly number[]>([[this.input, inShape]]);
    for (const n of this.nodes) {
      const ins = n.inputs.map((e) => shapes.get(e)!);
      let out: readonly number[];
      if (n.op === 'layer') {
        try {
          out = n.layer!.configure(ins[0]);
        } catch (e) {
          throw new Error(`${this.nodeLabel(n)}: ${(e as Error).message}`);
        }
      } else if (n.op === 'add') {
        ins.forEach((s, i) => {
          if (!sameShape(s, ins[0])) {
            throw new Error(`${this.nodeLabel(n)}: input '${n.inputs[i]}' is ${shapeString(s)} but '${n.inputs[0]}' is ${shapeString(ins[0])} (added edges must have equal shapes)`);
          }
        });
        out = ins[0];
      } else if (n.op === 'concat') {
        ins.forEach((s, i) => {
          if (s.length === 0 || !sameShape(s.slice(1), ins[0].slice(1))) {
            throw new Error(`${this.nodeLabel(n)}: input '${n.inputs[i]}' is ${shapeString(s)} but '${n.inputs[0]}' is ${shapeString(ins[0])} (channel concatenation needs equal shapes after the channel axis)`);
          }
        });
        out = [ins.reduce((c, s) => c + s[0], 0), ...ins[0].slice(1)];
      } else {
        out = [sizeOf(ins[0])];
      }
      shapes.set(n.output, out);
    }
    this.edgeShapes = shapes;
    return shapes.get(this.output)!;
  }

  forward(x: Tensor, ctx: RunContext): Tensor {
    const env = new Map<string, Tensor>([[this.input, x]]);
    for (const n of this.nodes) {
      const ins = n.inputs.map((e) => env.get(e)!);
      let y: Tensor;
      if (n.op === 'layer') y = n.layer!.forward(ins[0], ctx);
      else if (n.op === 'add') y = ins.length === 1 ? ins[0] : ops.addN(ins);
      else if (n.op === 'concat') y = ins.length === 1 ? ins[0] : ops.concat(ins, 0);
      else y = ops.flatten(ins[0]);
      env.set(n.output, y);
    }
    return env.get(this.output)!;
  }

  /** Per-sample shape of an edge (after the graph was configured). */
  edgeShape(edge: string): readonly number[] {
    const s = this.edgeShapes.get(edge);
    if (!s) throw new Error(`${this.label()}: no shape for edge '${edge}' (configure the graph first)`);
    return s;
  }

  /** The children's rows, then one row per add/concat/flatten node. */
  override info(): LayerInfo[] {
    return this.nodes.flatMap((n): LayerInfo[] => n.layer ? n.layer.info() : [{
      name: n.name, type: `Graph.${n.op}`, inShape: this.edgeShape(n.inputs[0]), outShape: this.edgeShape(n.output),
      params: 0, states: 0, macs: 0, workspace: 0,
    }]);
  }

  config(): LayerConfig {
    return {
      ...baseConfig(this), input: this.input, output: this.output,
      nodes: this.nodes.map((n) => ({ name: n.name, op: n.op, inputs: [...n.inputs], output: n.output, ...(n.layer ? { layer: n.layer.config() } : {}) })),
    };
  }

  /** Rebuilds a Graph from config(); `build` rebuilds each node's layer (layerFromConfig). */
  static fromConfig(cfg: Readonly<Record<string, unknown>>, build: (c: LayerConfig) => Layer): Graph {
    const where = `layer config ${JSON.stringify(cfg.name ?? '?')} (Graph)`;
    const nodes = cfg.nodes;
    if (!Array.isArray(nodes)) throw new Error(`${where}: 'nodes' must be a list`);
    const parsed = nodes.map((raw: unknown, i): GraphNode => {
      const n = raw as Record<string, unknown>;
      const ok = typeof n === 'object' && n !== null && typeof n.name === 'string' && typeof n.output === 'string' &&
        Array.isArray(n.inputs) && n.inputs.every((e) => typeof e === 'string') && OPS.includes(n.op as GraphOp);
      if (!ok) throw new Error(`${where}: node ${i} must be { name, op: ${OPS.join('|')}, inputs: [edge], output: edge, layer? }`);
      const layer = n.layer === undefined ? undefined : build(n.layer as LayerConfig);
      return { name: n.name as string, op: n.op as GraphOp, inputs: n.inputs as string[], output: n.output as string, layer };
    });
    const name = typeof cfg.name === 'string' && cfg.name ? cfg.name : undefined;
    if (cfg.trainable !== undefined && typeof cfg.trainable !== 'boolean') throw new Error(`${where}: 'trainable' must be true or false`);
    return new Graph({ input: cfg.input as string, output: cfg.output as string, nodes: parsed }, { name, trainable: cfg.trainable as boolean | undefined });
  }
}

/** Checks every node and returns them in a topological order (Kahn's algorithm, stable). */
function order(spec: GraphSpec): GraphNode[] {
  const writer = new Map<string, GraphNode>();
  for (const n of spec.nodes) {
    const what = `Graph: node '${String(n.name)}'`;
    if (!OPS.includes(n.op)) throw new Error(`${what}: op must be one of ${OPS.join(', ')}, got '${String(n.op)}'`);
    if (n.op === 'layer' ? !(n.layer instanceof Layer) : n.layer !== undefined) {
      throw new Error(`${what}: ${n.op === 'layer' ? "op 'layer' needs a layer" : `op '${n.op}' takes no layer`}`);
    }
    const arity = n.op === 'layer' || n.op === 'flatten' ? 'one' : 'many';
    if (n.inputs.length === 0 || (arity === 'one' && n.inputs.length !== 1)) {
      throw new Error(`${what}: op '${n.op}' takes ${arity === 'one' ? 'exactly one input edge' : 'one or more input edges'}, got ${n.inputs.length}`);
    }
    if (n.output === spec.input || writer.has(n.output)) throw new Error(`${what}: edge '${n.output}' is written twice`);
    writer.set(n.output, n);
  }
  for (const n of spec.nodes) {
    for (const e of n.inputs) {
      if (e !== spec.input && !writer.has(e)) throw new Error(`Graph: node '${n.name}' reads edge '${e}', which no node writes`);
    }
  }
  if (spec.output !== spec.input && !writer.has(spec.output)) throw new Error(`Graph: the output edge '${spec.output}' is written by no node`);
  const done = new Set<string>([spec.input]);
  const left = [...spec.nodes], out: GraphNode[] = [];
  while (left.length) {
    const i = left.findIndex((n) => n.inputs.every((e) => done.has(e)));
    if (i < 0) throw new Error(`Graph: the nodes ${left.map((n) => `'${n.name}'`).join(', ')} form a cycle`);
    const [n] = left.splice(i, 1);
    out.push(n);
    done.add(n.output);
  }
  return out;
}
