// A minimal ONNX ModelProto writer for the benchmark graphs (ONNX Runtime Web runs them): protobuf
// wire format by hand, field numbers from onnx.proto. Tensors go in raw_data (little-endian float32).
// Attributes carry their type explicitly: a JS number cannot say whether it is an INT or a FLOAT,
// and ONNX Runtime rejects a mismatch (shared/notes/peers-interop, "Mismatched attribute type").

class Writer {
  private parts: Uint8Array[] = [];
  private cur: number[] = [];
  length = 0;

  private push(b: number): void {
    this.cur.push(b);
    this.length++;
  }

  private flush(): void {
    if (this.cur.length) {
      this.parts.push(Uint8Array.from(this.cur));
      this.cur = [];
    }
  }

  varint(v: number): this {
    let n = BigInt(v);
    if (n < 0n) n += 1n << 64n;
    while (n > 127n) {
      this.push(Number(n & 127n) | 128);
      n >>= 7n;
    }
    this.push(Number(n));
    return this;
  }

  tag(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }

  int(field: number, v: number): this {
    return this.tag(field, 0).varint(v);
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, 2).varint(data.length);
    this.flush();
    this.parts.push(data);
    this.length += data.length;
    return this;
  }

  str(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  msg(field: number, fill: (w: Writer) => void): this {
    const w = new Writer();
    fill(w);
    return this.bytes(field, w.finish());
  }

  f32(field: number, v: number): this {
    this.tag(field, 5);
    for (const b of new Uint8Array(new Float32Array([v]).buffer)) this.push(b);
    return this;
  }

  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

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
  w.str(1, v.name).msg(2, (t) => t.msg(1, (tt) => {
    tt.int(1, FLOAT).msg(2, (shape) => { for (const d of v.dims) shape.msg(1, (dim) => dim.int(1, d)); });
  }));
}

/** Serialises a graph as an ONNX model (IR 8, opset 13). */
export function encodeModel(g: OnnxGraph): Uint8Array {
  const model = new Writer();
  model.int(1, 8).str(2, 'argon-bench');
  model.msg(7, (graph) => {
    g.nodes.forEach((n, i) => graph.msg(1, (node) => {
      for (const x of n.inputs) node.str(1, x);
      for (const y of n.outputs) node.str(2, y);
      node.str(3, `${n.op}_${i}`).str(4, n.op);
      for (const [name, a] of Object.entries(n.attrs ?? {})) {
        node.msg(5, (attr) => {
          attr.str(1, name);
          if ('f' in a) attr.f32(2, a.f).int(20, 1);
          else if ('i' in a) attr.int(3, a.i).int(20, 2);
          else { for (const v of a.ints) attr.int(8, v); attr.int(20, 7); }
        });
      }
    }));
    graph.str(2, 'bench');
    for (const t of g.initializers) {
      graph.msg(5, (tensor) => {
        for (const d of t.dims) tensor.int(1, d);
        tensor.int(2, FLOAT).str(8, t.name).bytes(9, new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength));
      });
    }
    graph.msg(11, (v) => valueInfo(v, g.input));
    graph.msg(12, (v) => valueInfo(v, g.output));
  });
  model.msg(8, (op) => op.str(1, '').int(2, 13));
  return model.finish();
}
