// A minimal ONNX ModelProto writer for the benchmark graphs (ONNX Runtime Web runs them), on the
// library's protobuf writer (src/onnx/protobuf.ts); field numbers from onnx.proto. Tensors go in
// raw_data (little-endian float32). Attributes carry their type explicitly: a JS number cannot say
// whether it is an INT or a FLOAT, and ONNX Runtime rejects a mismatch (shared/notes/peers-interop,
// "Mismatched attribute type").

import { ProtoWriter as Writer } from '../src/onnx/protobuf.ts';

export type Attr = { i: number } | { f: number } | { ints: number[] };

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, Attr>;
}

export interface OnnxGraph {
  nodes: OnnxNode[];
  initializers: { name: string; dims: number[]; values: Float32Array }[];
  input: { name: string; dims: number[] };
  output: { name: string; dims: number[] };
}

const FLOAT = 1;

function valueInfo(w: Writer, v: { name: string; dims: number[] }): void {
  w.string(1, v.name).message(2, (t) => t.message(1, (tt) => {
    tt.int(1, FLOAT).message(2, (shape) => { for (const d of v.dims) shape.message(1, (dim) => dim.int(1, d)); });
  }));
}

/** Serialises a graph as an ONNX model (IR 8, opset 13). */
export function encodeModel(g: OnnxGraph): Uint8Array {
  const model = new Writer();
  model.int(1, 8).string(2, 'argon-bench');
  model.message(7, (graph) => {
    g.nodes.forEach((n, i) => graph.message(1, (node) => {
      for (const x of n.inputs) node.string(1, x);
      for (const y of n.outputs) node.string(2, y);
      node.string(3, `${n.op}_${i}`).string(4, n.op);
      for (const [name, a] of Object.entries(n.attrs ?? {})) {
        node.message(5, (attr) => {
          attr.string(1, name);
          if ('f' in a) attr.float(2, a.f).int(20, 1);
          else if ('i' in a) attr.int(3, a.i).int(20, 2);
          else { for (const v of a.ints) attr.int(8, v); attr.int(20, 7); }
        });
      }
    }));
    graph.string(2, 'bench');
    for (const t of g.initializers) {
      graph.message(5, (tensor) => {
        for (const d of t.dims) tensor.int(1, d);
        tensor.int(2, FLOAT).string(8, t.name).bytes(9, new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength));
      });
    }
    graph.message(11, (v) => valueInfo(v, g.input));
    graph.message(12, (v) => valueInfo(v, g.output));
  });
  model.message(8, (op) => op.string(1, '').int(2, 13));
  return model.finish();
}
