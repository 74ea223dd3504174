// ONNX export checked against ONNX Runtime: every course network on real faces images (NCHW), the
// round trip export → import → export (byte-identical for Argon's own exports), and ResNet-50.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { noGrad } from '../src/autograd/index.ts';
import { ImageManifest } from '../src/data/image-manifest.ts';
import { primitiveLayers } from '../src/layers/index.ts';
import { Model } from '../src/model/model.ts';
import { rowsToBatch } from '../src/model/inputs.ts';
import { models, type ModelName } from '../src/models/index.ts';
import { decodeOnnx } from '../src/onnx/index.ts';
import { Tensor, tidy } from '../src/tensor.ts';
import { F32, expectClose, randomArray } from './helpers.ts';

const FACES = '../shared/data/faces/test.csv';
const SHAPE = [3, 64, 64];
const N = 4;
const F = SHAPE[0] * SHAPE[1] * SHAPE[2];

/** N real face crops as NCHW rows (0–255), read through the data loader; random pixels without them. */
async function faces(): Promise<{ rows: Float32Array; real: boolean }> {
  if (!existsSync(FACES)) return { rows: Float32Array.from(randomArray(N * F, 7, 0, 255)), real: false };
  const m = await ImageManifest.open(FACES, { inputShape: SHAPE, batchSize: N, limit: N, cache: false });
  const rows = new Float32Array(N * F);
  for await (const b of m.batches()) {
    for (let j = 0; j < b.n; j++) for (let i = 0; i < F; i++) rows[j * F + i] = b.x[i * b.n + j];
  }
  return { rows, real: true };
}

const images = await faces();
if (!images.real) console.log(`  (${FACES} is absent — it ships with the project's shared data, not a clone: the oracle runs on random pixels)`);

/** BatchNorm running statistics start at 0 (neon); one training-mode pass with rho 0.9 stores 0.1 ×
 *  the batch statistics, so ×10 gives the batch's own statistics: a realistic inference network. */
function calibrate(model: Model, rows: Float32Array, n: number, shape: readonly number[]): void {
  const size = shape.reduce((a, b) => a * b, 1);
  noGrad(() => tidy(() => {
    model.root.forward(Tensor.fromArray(model.backend, rowsToBatch(rows, 0, n, size), [...shape, n]), { training: true, random: model.random });
  }));
  for (const s of model.root.states()) model.backend.write(s.value.buf, Float32Array.from(s.value.toArray(), (v) => 10 * v));
}

async function ortRun(bytes: Uint8Array, rows: Float32Array, shape: readonly number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const n = rows.length / shape.reduce((a, b) => a * b, 1);
  const out = await session.run({ input: new ort.Tensor('float32', rows, [n, ...shape]) });
  await session.release();
  return out.output.data as Float32Array;
}

const COURSE: ModelName[] = ['fcnn1', 'fcnn2', 'fcnn3', 'cnn1', 'cnn2', 'resnet18'];

for (const name of COURSE) {
  test(`${name}: ONNX Runtime matches Argon on ${images.real ? 'faces' : 'random'} images; export → import → export is byte-identical`, async () => {
    const model = new Model(models[name]({ inputShape: SHAPE }), { name, seed: 5 });
    await model.build(SHAPE);
    calibrate(model, images.rows, N, SHAPE);
    const ours = await model.getOutputs(images.rows);
    const bytes = model.toOnnx();
    const theirs = await ortRun(bytes, images.rows, SHAPE);
    expectClose(theirs, ours, F32, `${name} ONNX Runtime vs Argon`);
    const spread = Math.max(...ours) - Math.min(...ours);
    assert.ok(spread > 1e-3 && spread < 1, `${name}: outputs are not saturated (spread ${spread})`);

    const back = Model.fromOnnx(bytes);
    expectClose(await back.getOutputs(images.rows), ours, F32, `${name} imported`);
    const again = back.toOnnx();
    assert.ok(Buffer.from(again).equals(Buffer.from(bytes)), `${name}: the re-export differs from the export`);
    const g = decodeOnnx(bytes).graph;
    assert.equal(g.inputs[0].dims, ['N', ...SHAPE]);
    assert.equal(g.outputs[0].dims, ['N', 2]);
    back.dispose();
    model.dispose();
  });
}

test('resnet50 exports (94 MB) and ONNX Runtime matches Argon', async () => {
  const model = new Model(models.resnet50({ inputShape: SHAPE }), { name: 'resnet50', seed: 5 });
  await model.build(SHAPE);
  calibrate(model, images.rows, N, SHAPE);
  const ours = await model.getOutputs(images.rows);
  const bytes = model.toOnnx();
  assert.ok(bytes.length > 94e6 && bytes.length < 95e6, `${bytes.length} bytes`);
  const g = decodeOnnx(bytes).graph;
  const count = (op: string) => g.nodes.filter((x) => x.opType === op).length;
  const argon = (type: string) => primitiveLayers(model.root).filter((l) => l.type === type).length;
  assert.equal([count('Conv'), count('BatchNormalization'), count('Add'), count('Gemm'), count('Softmax')], [53, argon('BatchNorm'), 16, 1, 1]);
  expectClose(await ortRun(bytes, images.rows, SHAPE), ours, F32, 'resnet50 ONNX Runtime vs Argon');
  model.dispose();
});

test.run();
