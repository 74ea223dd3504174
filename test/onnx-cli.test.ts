// `argon export` and `argon import` as a user runs them (bin/argon.mjs → build/cli.mjs).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { Model } from '../src/model/model.ts';
import { models } from '../src/models/index.ts';
import { argon } from './cli-process.ts';
import { F32, expectClose, randomArray } from './helpers.ts';

const fixture = new URL('./fixtures/onnx/resnet_bn.onnx', import.meta.url).pathname;
const dir = await mkdtemp(join(tmpdir(), 'argon-onnx-cli-'));

test('argon export writes an ONNX file that ONNX Runtime runs like the model', async () => {
  const shape = [3, 32, 32];
  const model = new Model(models.cnn1({ inputShape: shape }), { name: 'cnn1', seed: 4 });
  await model.build(shape);
  await model.save(join(dir, 'trained', 'model.argon'));
  const rows = Float32Array.from(randomArray(2 * 3072, 5, 0, 255));
  const ours = await model.getOutputs(rows);
  const out = join(dir, 'cnn1.onnx');
  const r = await argon(['export', '--model', join(dir, 'trained'), '--onnx', out]);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /wrote .*cnn1\.onnx: [\d,]+ bytes, ONNX opset 13/);
  assert.match(r.out, /input {2}'input' {2}float32 \[N, 3, 32, 32\] \(NCHW/);
  const session = await ort.InferenceSession.create(await readFile(out), { intraOpNumThreads: 1 });
  const y = (await session.run({ input: new ort.Tensor('float32', rows, [2, ...shape]) })).output.data as Float32Array;
  expectClose(y, ours, F32, 'argon export → ONNX Runtime');
  model.dispose();
  const missing = await argon(['export', '--model', join(dir, 'trained')]);
  assert.is(missing.code, 2);
  assert.match(missing.err, /--onnx is required/);
});

test('argon import writes a model folder that summary reads; bad files are clear errors', async () => {
  const out = join(dir, 'imported');
  const r = await argon(['import', fixture, '--out', out]);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /imported .*resnet_bn\.onnx \(pytorch 1\.13\.0, opset 13\)/);
  assert.match(r.out, /input \[3, 16, 16\] → output \[3\], 5,147 parameters/);
  assert.ok(existsSync(join(out, 'model.argon')));
  const note = JSON.parse(await readFile(join(out, 'import.json'), 'utf8')) as { structure: string; parameters: number };
  assert.equal([note.structure, note.parameters], ['nested', 5147]);
  const s = await argon(['summary', '--file', out]);
  assert.is(s.code, 0, s.err);
  assert.match(s.out, /\/layer2\/Add +MergeSum/);
  assert.match(s.out, /parameters: 5,147\n/);

  await writeFile(join(dir, 'junk.onnx'), 'not a model');
  const junk = await argon(['import', join(dir, 'junk.onnx'), '--out', join(dir, 'junk')]);
  assert.is(junk.code, 1);
  assert.match(junk.err, /junk\.onnx: not a valid ONNX model/);
  assert.not.match(junk.err, /    at /, 'no stack trace');
});

test.after(() => rm(dir, { recursive: true, force: true }));
test.run();
