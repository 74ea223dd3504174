// ONNX ModelProto ⇄ bytes, for the subset of onnx.proto that inference graphs use: model, opset
// imports, graph, nodes, attributes, tensors (raw_data or the typed repeated fields), value infos
// with tensor shapes. Writing is here; reading (decodeOnnx) is in read.ts.
import { ProtoWriter } from './protobuf.ts';
import { AT, DT, type OnnxAttribute, type OnnxModel, type OnnxTensor, type OnnxValueInfo } from './schema.ts';

export * from './schema.ts';
export { decodeOnnx } from './read.ts';

function writeTensor(w: ProtoWriter, t: OnnxTensor): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.dataType);
  w.string(8, t.name);
  if (t.dataType === DT.FLOAT) {
    const f = t.floats ?? new Float32Array(0);
    w.bytes(9, new Uint8Array(f.buffer, f.byteOffset, f.byteLength));
  } else if (t.dataType === DT.INT64) {
    const raw = new Uint8Array(8 * (t.ints?.length ?? 0));
    const view = new DataView(raw.buffer);
    (t.ints ?? []).forEach((v, i) => view.setBigInt64(8 * i, BigInt(v), true));
    w.bytes(9, raw);
  } else {
    throw new Error(`ONNX writer: tensor '${t.name}' has data type ${t.dataType}; only FLOAT and INT64 are written`);
  }
}

function writeAttribute(w: ProtoWriter, a: OnnxAttribute): void {
  w.string(1, a.name);
  w.int(20, a.type);
  switch (a.type) {
    case AT.FLOAT: w.float(2, a.f ?? 0); break;
    case AT.INT: w.int(3, a.i ?? 0); break;
    case AT.STRING: w.string(4, a.s ?? ''); break;
    case AT.TENSOR: w.message(5, (m) => writeTensor(m, a.t!)); break;
    case AT.FLOATS: for (const v of a.floats ?? []) w.float(7, v); break;
    case AT.INTS: for (const v of a.ints ?? []) w.int(8, v); break;
    default: throw new Error(`ONNX writer: attribute '${a.name}' has type ${a.type}, which is not written`);
  }
}

function writeValueInfo(w: ProtoWriter, v: OnnxValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) => type.message(1, (tt) => {
    tt.int(1, v.elemType);
    if (v.dims) {
      tt.message(2, (shape) => {
        for (const d of v.dims!) {
          shape.message(1, (dim) => {
            if (typeof d === 'number') dim.int(1, d);
            else if (typeof d === 'string') dim.string(2, d);
          });
        }
      });
    }
  }));
}

export function encodeOnnx(m: OnnxModel): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, m.irVersion);
  w.string(2, m.producerName);
  w.string(3, m.producerVersion);
  w.message(7, (g) => {
    for (const n of m.graph.nodes) {
      g.message(1, (nw) => {
        for (const i of n.inputs) nw.string(1, i);
        for (const o of n.outputs) nw.string(2, o);
        nw.string(3, n.name);
        nw.string(4, n.opType);
        for (const a of n.attributes) nw.message(5, (aw) => writeAttribute(aw, a));
        if (n.domain) nw.string(7, n.domain);
      });
    }
    g.string(2, m.graph.name);
    for (const t of m.graph.initializers) g.message(5, (tw) => writeTensor(tw, t));
    for (const v of m.graph.inputs) g.message(11, (vw) => writeValueInfo(vw, v));
    for (const v of m.graph.outputs) g.message(12, (vw) => writeValueInfo(vw, v));
  });
  for (const o of m.opsets) {
    w.message(8, (ow) => {
      ow.string(1, o.domain);
      ow.int(2, o.version);
    });
  }
  return w.finish();
}
