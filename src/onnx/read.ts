// Bytes → ONNX ModelProto. Unknown fields are skipped, as protobuf readers must; external tensor
// data (a second file) and sparse initializers are refused with a clear error; malformed or
// truncated input throws an error that says what and where.
import {
  ProtoError, WIRE_LEN, WIRE_VARINT, decodeString, f32At, f64At, readFloats, readInts, readMessage, type ProtoField,
} from './protobuf.ts';
import { DT, type OnnxAttribute, type OnnxGraph, type OnnxModel, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from './schema.ts';

function nested(f: ProtoField, what: string, at: number): [Uint8Array, number] {
  if (f.wire !== WIRE_LEN) throw new ProtoError(`${what}: field ${f.field} should be a message, got wire type ${f.wire}`);
  return [f.value, at];
}

function str(f: ProtoField, what: string): string {
  if (f.wire !== WIRE_LEN) throw new ProtoError(`${what}: field ${f.field} should be a string, got wire type ${f.wire}`);
  return decodeString(f.value);
}

function int(f: ProtoField, what: string): number {
  if (f.wire !== WIRE_VARINT) throw new ProtoError(`${what}: field ${f.field} should be an integer, got wire type ${f.wire}`);
  return f.value;
}

function rawToValues(t: OnnxTensor, raw: Uint8Array): void {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const size = (bytes: number) => {
    if (raw.length % bytes) throw new ProtoError(`tensor '${t.name}': raw_data of ${raw.length} bytes is not a whole number of ${bytes}-byte values`);
    return raw.length / bytes;
  };
  switch (t.dataType) {
    case DT.FLOAT: {
      // raw_data is little-endian and may sit at any byte offset: copy to an aligned buffer.
      const copy = raw.slice();
      t.floats = new Float32Array(copy.buffer, 0, size(4));
      break;
    }
    case DT.DOUBLE: t.floats = Float32Array.from({ length: size(8) }, (_, i) => view.getFloat64(8 * i, true)); break;
    case DT.FLOAT16: t.floats = Float32Array.from({ length: size(2) }, (_, i) => half(view.getUint16(2 * i, true))); break;
    case DT.INT64: t.ints = Array.from({ length: size(8) }, (_, i) => Number(view.getBigInt64(8 * i, true))); break;
    case DT.INT32: t.ints = Array.from({ length: size(4) }, (_, i) => view.getInt32(4 * i, true)); break;
    case DT.INT8: t.ints = Array.from({ length: size(1) }, (_, i) => view.getInt8(i)); break;
    case DT.UINT8: case DT.BOOL: t.ints = Array.from(raw); break;
    default: throw new ProtoError(`tensor '${t.name}': data type ${t.dataType} is not supported`);
  }
}

function half(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 31, m = h & 1023;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

function readTensor(bytes: Uint8Array, base: number): OnnxTensor {
  const t: OnnxTensor = { name: '', dims: [], dataType: 0 };
  let raw: Uint8Array | null = null, external = false;
  const floats: number[] = [], ints: number[] = [];
  readMessage(bytes, base, (f) => {
    switch (f.field) {
      case 1: readInts(f, t.dims); break;
      case 2: t.dataType = int(f, 'TensorProto'); break;
      case 4: readFloats(f, floats); break;
      case 5: case 7: readInts(f, ints); break;
      case 8: t.name = str(f, 'TensorProto'); break;
      case 9: raw = nested(f, 'TensorProto.raw_data', 0)[0]; break;
      case 10:
        if (f.wire === WIRE_LEN) for (let i = 0; i + 8 <= f.value.length; i += 8) floats.push(f64At(f.value.subarray(i, i + 8)));
        else if (f.wire === 1) floats.push(f64At(f.value));
        break;
      case 14: external = int(f, 'TensorProto') === 1; break;
      default: break;
    }
  });
  if (external) throw new ProtoError(`tensor '${t.name}' keeps its data in an external file, which is not supported (save the model with the weights inside)`);
  if (raw) rawToValues(t, raw);
  else if (t.dataType === DT.FLOAT || t.dataType === DT.DOUBLE) t.floats = Float32Array.from(floats);
  else if (t.dataType === DT.FLOAT16) t.floats = Float32Array.from(ints, half);
  else t.ints = ints;
  const count = t.dims.reduce((a, b) => a * b, 1);
  const have = t.floats?.length ?? t.ints?.length ?? 0;
  if (have !== count) throw new ProtoError(`tensor '${t.name}' has ${have} values for dims [${t.dims.join(', ')}] (${count} expected)`);
  return t;
}

function readAttribute(bytes: Uint8Array, base: number): OnnxAttribute {
  const a: OnnxAttribute = { name: '', type: 0 };
  readMessage(bytes, base, (f, at) => {
    switch (f.field) {
      case 1: a.name = str(f, 'AttributeProto'); break;
      case 2: if (f.wire === 5) a.f = f32At(f.value); break;
      case 3: a.i = int(f, 'AttributeProto'); break;
      case 4: a.s = str(f, 'AttributeProto'); break;
      case 5: a.t = readTensor(...nested(f, 'AttributeProto.t', at)); break;
      case 7: readFloats(f, (a.floats ??= [])); break;
      case 8: readInts(f, (a.ints ??= [])); break;
      case 20: a.type = int(f, 'AttributeProto'); break;
      default: break;
    }
  });
  return a;
}

function readNode(bytes: Uint8Array, base: number): OnnxNode {
  const n: OnnxNode = { name: '', opType: '', domain: '', inputs: [], outputs: [], attributes: [] };
  readMessage(bytes, base, (f, at) => {
    switch (f.field) {
      case 1: n.inputs.push(str(f, 'NodeProto')); break;
      case 2: n.outputs.push(str(f, 'NodeProto')); break;
      case 3: n.name = str(f, 'NodeProto'); break;
      case 4: n.opType = str(f, 'NodeProto'); break;
      case 5: n.attributes.push(readAttribute(...nested(f, 'NodeProto.attribute', at))); break;
      case 7: n.domain = str(f, 'NodeProto'); break;
      default: break;
    }
  });
  return n;
}

function readValueInfo(bytes: Uint8Array, base: number): OnnxValueInfo {
  const v: OnnxValueInfo = { name: '', elemType: 0, dims: null };
  readMessage(bytes, base, (f, at) => {
    if (f.field === 1) v.name = str(f, 'ValueInfoProto');
    else if (f.field === 2) {
      readMessage(...nested(f, 'TypeProto', at), (tf, tat) => {
        if (tf.field !== 1) return; // only tensor types
        readMessage(...nested(tf, 'TypeProto.Tensor', tat), (x, xat) => {
          if (x.field === 1) v.elemType = int(x, 'TypeProto.Tensor');
          else if (x.field === 2) {
            v.dims = [];
            readMessage(...nested(x, 'TensorShapeProto', xat), (d, dat) => {
              if (d.field !== 1) return;
              let dim: number | string | null = null;
              readMessage(...nested(d, 'TensorShapeProto.Dimension', dat), (y) => {
                if (y.field === 1) dim = int(y, 'Dimension');
                else if (y.field === 2) dim = str(y, 'Dimension');
              });
              v.dims!.push(dim);
            });
          }
        });
      });
    }
  });
  return v;
}

function readGraph(bytes: Uint8Array, base: number): OnnxGraph {
  const g: OnnxGraph = { name: '', nodes: [], initializers: [], inputs: [], outputs: [] };
  readMessage(bytes, base, (f, at) => {
    switch (f.field) {
      case 1: g.nodes.push(readNode(...nested(f, 'NodeProto', at))); break;
      case 2: g.name = str(f, 'GraphProto'); break;
      case 5: g.initializers.push(readTensor(...nested(f, 'TensorProto', at))); break;
      case 11: g.inputs.push(readValueInfo(...nested(f, 'ValueInfoProto', at))); break;
      case 12: g.outputs.push(readValueInfo(...nested(f, 'ValueInfoProto', at))); break;
      case 15: throw new ProtoError('the graph has sparse initializers, which are not supported');
      default: break;
    }
  });
  return g;
}

/** Parses an ONNX file. Malformed or truncated bytes throw an error that says so and where. */
export function decodeOnnx(bytes: Uint8Array, source = 'ONNX model'): OnnxModel {
  const m: OnnxModel = { irVersion: 0, producerName: '', producerVersion: '', opsets: [], graph: { name: '', nodes: [], initializers: [], inputs: [], outputs: [] } };
  let graph = false;
  try {
    if (bytes.length === 0) throw new ProtoError('the file is empty');
    readMessage(bytes, 0, (f, at) => {
      switch (f.field) {
        case 1: m.irVersion = int(f, 'ModelProto'); break;
        case 2: m.producerName = str(f, 'ModelProto'); break;
        case 3: m.producerVersion = str(f, 'ModelProto'); break;
        case 7: m.graph = readGraph(...nested(f, 'GraphProto', at)); graph = true; break;
        case 8: {
          const o = { domain: '', version: 0 };
          readMessage(...nested(f, 'OperatorSetIdProto', at), (x) => {
            if (x.field === 1) o.domain = str(x, 'OperatorSetIdProto');
            else if (x.field === 2) o.version = int(x, 'OperatorSetIdProto');
          });
          m.opsets.push(o);
          break;
        }
        default: break;
      }
    });
    if (!graph) throw new ProtoError('no graph in the file (is it an ONNX model?)');
    if (m.irVersion < 3) throw new ProtoError(`ir_version ${m.irVersion} (expected 3 or later; is it an ONNX model?)`);
  } catch (e) {
    if (e instanceof ProtoError) throw new Error(`${source}: not a valid ONNX model: ${e.message}`);
    throw e;
  }
  return m;
}
