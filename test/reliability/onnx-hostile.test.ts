// Hostile ONNX files (issue 15 §7, cases that already held in the audit, kept): each one is a clear
// error that names what is wrong, raised before anything large is allocated — never a raw
// TypeError, a stack overflow or gigabytes of memory.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Model } from '../../src/model/model.ts';
import { AT, DT, encodeOnnx, type OnnxModel, type OnnxNode } from '../../src/onnx/codec.ts';

type Inits = OnnxModel['graph']['initializers'];
const node = (name: string, opType: string, inputs: string[], outputs: string[], attributes: OnnxNode['attributes'] = []): OnnxNode =>
  ({ name, opType, domain: '', inputs, outputs, attributes });
const weight = (name: string, dims: number[], n = dims.reduce((a, b) => a * b, 1)) =>
  ({ name, dims, dataType: DT.FLOAT, floats: new Float32Array(n).fill(0.1) });

function graph(nodes: OnnxNode[], inits: Inits = [], dims: (number | string)[] = ['N', 3, 8, 8]): Uint8Array {
  return encodeOnnx({
    irVersion: 7, producerName: 'hostile', producerVersion: '', opsets: [{ domain: '', version: 13 }],
    graph: {
      name: 'g', nodes, initializers: inits,
      inputs: [{ name: 'x', elemType: DT.FLOAT, dims }], outputs: [{ name: nodes[nodes.length - 1].outputs[0], elemType: DT.FLOAT, dims: null }],
    },
  });
}

/** Imports and builds (where the import succeeds) and returns the error message. */
async function refusal(bytes: Uint8Array): Promise<string> {
  let m: Model | null = null;
  try {
    m = Model.fromOnnx(bytes);
    await m.build(m.pendingShape!);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    m?.dispose();
  }
  return '(no error)';
}

const varint = (v: number): number[] => {
  const out: number[] = [];
  while (v > 127) { out.push((v & 127) | 128); v = Math.floor(v / 128); }
  out.push(v);
  return out;
};
const conv = graph([node('c', 'Conv', ['x', 'w'], ['y'])], [weight('w', [4, 3, 3, 3])]);

const CASES: [string, () => Uint8Array, RegExp][] = [
  ['empty file', () => new Uint8Array(0), /empty/],
  ['truncated in a field', () => conv.subarray(0, conv.length - 37), /truncated/],
  ['a varint of 11 bytes', () => Uint8Array.of(0x08, ...new Array(10).fill(0xff), 0x01), /varint/],
  ['a field claiming 2 GB', () => Uint8Array.of(0x3a, ...varint(2 ** 31), 1, 2, 3), /truncated|needs/],
  ['initializer dims [1e9, 1e9] with 4 values', () => graph([node('c', 'Conv', ['x', 'w'], ['y'])], [weight('w', [1e9, 1e9], 4)]), /'w'/],
  ['negative dims', () => graph([node('c', 'Conv', ['x', 'w'], ['y'])], [weight('w', [4, -3, 3, 3], 108)]), /'w'|dims/],
  ['a Conv weight whose data does not match its dims', () => graph([node('c', 'Conv', ['x', 'w'], ['y'])], [weight('w', [30000, 3, 3, 3], 108)]), /'w'/],
  ['an input nobody produces', () => graph([node('a', 'Relu', ['x'], ['r']), node('b', 'Add', ['r', 'ghost'], ['y'])]), /ghost/],
  ['a cycle', () => graph([node('a', 'Relu', ['y'], ['r']), node('b', 'Relu', ['r'], ['y'])]), /cycle|'a'|'b'|'y'|'r'/],
  ['input [N, 3, 100000, 100000]', () => graph([node('r', 'Relu', ['x'], ['y'])], [], ['N', 3, 100000, 100000]), /maxActivationValues|100000/],
  ['MaxPool kernel [1e9, 1e9]', () => graph([node('mp', 'MaxPool', ['x'], ['y'], [{ name: 'kernel_shape', type: AT.INTS, ints: [1e9, 1e9] }])]), /'mp'/],
  ['Reshape to [1, 1e12]', () => graph([node('rs', 'Reshape', ['x', 'shape'], ['y'])], [{ name: 'shape', dims: [2], dataType: DT.INT64, ints: [1, 1e12] }]),
    /'rs'|Reshape/],
  ['Gemm with a weight of 2e9 × 192', () => graph([node('fl', 'Flatten', ['x'], ['a']), node('fc', 'Gemm', ['a', 'w'], ['y'], [{ name: 'transB', type: AT.INT, i: 1 }])],
    [weight('w', [2e9, 192], 4)]), /'w'|'fc'/],
];

for (const [what, make, expected] of CASES) {
  test(`hostile ONNX: ${what}`, async () => {
    const msg = await refusal(make());
    assert.ok(msg !== '(no error)', `${what}: imported without an error`);
    assert.match(msg, expected, `${what}: ${msg}`);
    assert.not.match(msg, /is not a function|Cannot read prop|Invalid typed array|Array buffer allocation|call stack/, `${what}: ${msg}`);
  });
}

test.run();
