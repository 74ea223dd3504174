// The protobuf writer/reader and the ONNX codec on their own: varints (negative int64 included),
// packed and unpacked repeated fields, every attribute type the exporter writes, and tensors stored
// as raw_data or in the typed fields.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AT, DT, decodeOnnx, encodeOnnx, type OnnxModel } from '../src/onnx/codec.ts';
import { ProtoReader, ProtoWriter, WIRE_LEN, readFloats, readInts } from '../src/onnx/protobuf.ts';

test('varints round-trip, including negative int64 (ten bytes)', () => {
  const values = [0, 1, 127, 128, 300, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 5, 2 ** 53 - 1, -1, -2, -(2 ** 31), -(2 ** 40) - 3, -(2 ** 53) + 1];
  const w = new ProtoWriter();
  for (const v of values) w.varint(v);
  const bytes = w.finish();
  const r = new ProtoReader(bytes);
  assert.equal(values.map(() => r.varint()), values);
  assert.ok(r.done);
  assert.equal(Array.from(new ProtoWriter().varint(-1).finish()), [255, 255, 255, 255, 255, 255, 255, 255, 255, 1]);
  assert.equal(Array.from(new ProtoWriter().varint(300).finish()), [0xac, 0x02]);
});

test('packed and unpacked repeated fields read alike', () => {
  const w = new ProtoWriter().packedInts(1, [3, -1, 400]).int(1, 7).packedFloats(2, [0.5, -2]).float(2, 8);
  const r = new ProtoReader(w.finish());
  const ints: number[] = [], floats: number[] = [];
  while (!r.done) {
    const f = r.next();
    if (f.field === 1) readInts(f, ints);
    else readFloats(f, floats);
  }
  assert.equal(ints, [3, -1, 400, 7]);
  assert.equal(floats, [0.5, -2, 8]);
  const nested = new ProtoWriter().message(3, (m) => m.string(1, 'é')).finish();
  const f = new ProtoReader(nested).next();
  if (f.wire !== WIRE_LEN) throw new Error(`wire type ${f.wire}`);
  assert.equal(Array.from(f.value), [0x0a, 2, 0xc3, 0xa9]);
});

test('ONNX models round-trip: attributes of every type, FLOAT and INT64 tensors, symbolic dims', () => {
  const m: OnnxModel = {
    irVersion: 7, producerName: 'p', producerVersion: '1', opsets: [{ domain: '', version: 13 }],
    graph: {
      name: 'g',
      nodes: [{
        name: 'n', opType: 'Op', domain: '', inputs: ['x', 'w', ''], outputs: ['y'],
        attributes: [
          { name: 'f', type: AT.FLOAT, f: 0.25 }, { name: 'i', type: AT.INT, i: -1 }, { name: 's', type: AT.STRING, s: 'SAME_UPPER' },
          { name: 'fs', type: AT.FLOATS, floats: [1.5, -3] }, { name: 'is', type: AT.INTS, ints: [0, -2, 2 ** 40] },
          { name: 't', type: AT.TENSOR, t: { name: '', dims: [2], dataType: DT.INT64, ints: [-5, 9] } },
        ],
      }],
      initializers: [{ name: 'w', dims: [2, 2], dataType: DT.FLOAT, floats: Float32Array.of(1, -2, 3.5, 0) }],
      inputs: [{ name: 'x', elemType: DT.FLOAT, dims: ['N', 3, null] }],
      outputs: [{ name: 'y', elemType: DT.FLOAT, dims: null }],
    },
  };
  const back = decodeOnnx(encodeOnnx(m));
  assert.equal(back.graph.nodes, m.graph.nodes);
  assert.equal(back.graph.initializers.map((t) => ({ ...t, floats: Array.from(t.floats!) })), [{ ...m.graph.initializers[0], floats: [1, -2, 3.5, 0] }]);
  assert.equal(back.graph.inputs, m.graph.inputs);
  assert.equal(back.graph.outputs, m.graph.outputs);
  assert.equal([back.irVersion, back.producerName, back.opsets], [7, 'p', [{ domain: '', version: 13 }]]);
});

test('tensors in float_data, int64_data and double raw_data decode; external data is refused', () => {
  const model = (tensor: (w: ProtoWriter) => void) => new ProtoWriter().int(1, 7).message(7, (g) => g.message(5, tensor)).finish();
  const floatData = decodeOnnx(model((t) => t.int(1, 3).int(2, DT.FLOAT).packedFloats(4, [1, 2, 3]).string(8, 'a')));
  assert.equal(Array.from(floatData.graph.initializers[0].floats!), [1, 2, 3]);
  const ints = decodeOnnx(model((t) => t.int(1, 2).int(2, DT.INT64).int(7, -4).int(7, 6).string(8, 'b')));
  assert.equal(ints.graph.initializers[0].ints, [-4, 6]);
  const doubles = decodeOnnx(model((t) => t.int(1, 2).int(2, DT.DOUBLE).bytes(9, new Uint8Array(Float64Array.of(0.5, -1.25).buffer))));
  assert.equal(Array.from(doubles.graph.initializers[0].floats!), [0.5, -1.25]);
  assert.throws(() => decodeOnnx(model((t) => t.int(1, 2).int(2, DT.FLOAT).packedFloats(4, [1]).string(8, 'c'))), /tensor 'c' has 1 values for dims \[2\]/);
  assert.throws(() => decodeOnnx(model((t) => t.int(1, 1).int(2, DT.FLOAT).string(8, 'e').int(14, 1)), 'w.onnx'), /w\.onnx: not a valid ONNX model: tensor 'e' keeps its data in an external file/);
});

test.run();
