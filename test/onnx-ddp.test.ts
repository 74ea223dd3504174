// The road to PyTorch DistributedDataParallel and back (issue 14): an Argon CNN-1 is exported,
// tools/onnx/train_ddp.py trains it with 2 processes (gloo, CPU) for 4 epochs of 4 steps on 64 face photos, fed exactly
// Argon's pixels from Argon's decode cache; then both ranks must hold the same weights, which training
// changed, the loss must have gone down, `argon import` must load the result and reproduce PyTorch's
// outputs within 1e-4, `argon eval` must score the test images as PyTorch did, and --resume must
// continue the run. Skipped without torch/onnx/Pillow in /usr/bin/python3 (CI has no torch) or without
// the faces data.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { ImageManifest } from '../src/data/image-manifest.ts';
import { Model } from '../src/model/model.ts';
import { cnn1 } from '../src/models/index.ts';
import { runMain } from './cli-capture.ts';
import { expectClose } from './helpers.ts';
import { missingPython, python } from './python-tools.ts';

const FACES = '../shared/data/faces';
const SHAPE = [3, 32, 32];

interface TrainLog {
  steps: number[]; epochs: { loss: number }[]; probe_before: number; probe_after: number; initial_digest: string;
  rank_digests: string[]; world: number; backend: string; pixels: string; test_accuracy: number; check: { input: number[]; output: number[] };
}

const floats = (b: Buffer) => new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);

/** A manifest of the first `n` rows of FACES/`from`, written into `dir`, which links FACES/images
 *  (manifests may only name images inside their own folder). */
async function faces(from: string, n: number, dir: string): Promise<string> {
  const lines = (await readFile(join(FACES, from), 'utf8')).trim().split('\n');
  if (!existsSync(join(dir, 'images'))) await symlink(resolve(FACES, 'images'), join(dir, 'images'));
  const to = join(dir, from);
  await writeFile(to, `${lines.slice(0, n + 1).join('\n')}\n`);
  return to;
}

/** A TCP port nobody listens on now (the launcher binds it a moment later). */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => done(port));
    });
  });
}

/** train_ddp.py under PyTorch's launcher (python3 -m torch.distributed.run is torchrun). */
async function ddp(args: string[]): Promise<string> {
  // Debian's torch 1.13 on Python 3.11 cannot parse torchrun's default --redirects/--tee of 0 (its
  // Std enum lookup returns None); 2 (stderr) works and still shows every line. A free port, not
  // --standalone: torch 1.13's --standalone always meets on port 29400, where two jobs on one
  // machine would join each other.
  // 120 s per launch (a run takes about 5 s): a hang fails fast, with its exit code or signal.
  return python(['-m', 'torch.distributed.run', '--redirects', '2', '--tee', '2', '--nnodes', '1', '--nproc_per_node', '2',
    '--master_addr', '127.0.0.1', '--master_port', String(await freePort()), 'tools/onnx/train_ddp.py', ...args], { timeoutMs: 120_000 });
}

test('train_ddp.py: 2 processes agree, learn, and come back to Argon with the same outputs', async () => {
  const why = await missingPython(['torch', 'onnx', 'PIL'], 'apt-get install python3-torch python3-onnx python3-pil');
  if (why) { console.log(`  (skipped: ${why})`); return; }
  if (!existsSync(join(FACES, 'train.csv'))) { console.log(`  (skipped: ${FACES} is absent; it ships with the project's shared data, not with a clone)`); return; }
  const dir = await mkdtemp(join(tmpdir(), 'argon-ddp-'));
  const train = await faces('train.csv', 64, dir);
  const held = await faces('test.csv', 32, dir);
  // Argon decodes both listings once at the model's input size into its cache folder (here a fresh
  // one, which the Python processes and `argon eval` below see through ARGON_CACHE_DIR);
  // train_ddp.py then reads that cache.
  const cacheBefore = process.env.ARGON_CACHE_DIR;
  process.env.ARGON_CACHE_DIR = join(dir, 'cache');
  try {
    for (const csv of [train, held]) await ImageManifest.open(csv, { inputShape: SHAPE, batchSize: 8 });
    await trainAndReturn(dir, train, held);
  } finally {
    if (cacheBefore === undefined) delete process.env.ARGON_CACHE_DIR;
    else process.env.ARGON_CACHE_DIR = cacheBefore;
    await rm(dir, { recursive: true, force: true });
  }
});

/** Export → train_ddp.py (2 processes) → checks → import → eval → resume. */
async function trainAndReturn(dir: string, train: string, held: string): Promise<void> {
  const model = new Model(cnn1({ nclass: 2, inputShape: SHAPE }), { seed: 4, name: 'cnn1' });
  await model.build(SHAPE);
  await writeFile(join(dir, 'cnn1.onnx'), model.toOnnx());
  model.dispose();

  const out = join(dir, 'run');
  const common = [join(dir, 'cnn1.onnx'), '--data', train, '--test', held, '--batch-size', '8', '--optimizer', 'adam', '--lr', '0.0005', '--pixels', 'argon', '--out', out];
  const printed = await ddp([...common, '--epochs', '4', '--check-samples', '8']);
  assert.match(printed, /2 process\(es\) on gloo/);
  const log = JSON.parse(await readFile(join(out, 'train_log.json'), 'utf8')) as TrainLog;
  assert.is(log.world, 2);
  assert.match(log.pixels, /Argon's decode cache/);
  assert.is(log.steps.length, 4 * 4, '64 images, 8 per process and step: 4 steps per epoch');
  assert.is(log.rank_digests.length, 2);
  assert.is(log.rank_digests[0], log.rank_digests[1], 'both ranks hold identical weights');
  assert.is.not(log.rank_digests[0], log.initial_digest, 'training changed them');
  assert.ok(log.probe_after < log.probe_before, `probe loss ${log.probe_before} → ${log.probe_after}`);
  assert.ok(log.epochs[3].loss < log.epochs[0].loss, `epoch losses ${log.epochs.map((e) => e.loss).join(', ')}`);

  const imported = await runMain(['import', join(out, 'model.onnx'), '--out', join(out, 'argon')]);
  assert.is(imported.code, 0, [...imported.lines, ...imported.errors].join('\n'));
  const back = await Model.load(join(out, 'argon', 'model.argon'));
  assert.equal(log.check, { input: [8, ...SHAPE], output: [8, 2] });
  const x = floats(await readFile(join(out, 'check-input.f32')));
  const expected = floats(await readFile(join(out, 'check-output.f32')));
  expectClose(await back.getOutputs(x), expected, { rtol: 0, atol: 1e-4 }, "Argon's outputs for the re-imported model vs PyTorch's");
  back.dispose();
  const evaluated = await runMain(['eval', '--model', join(out, 'argon'), '--data', held, '--batch-size', '16']);
  assert.is(evaluated.code, 0, [...evaluated.lines, ...evaluated.errors].join('\n'));
  assert.ok(evaluated.lines.includes(`accuracy: ${log.test_accuracy.toFixed(4)}`), `${evaluated.lines.join('\n')}\nPyTorch: ${log.test_accuracy}`);

  await ddp([...common, '--epochs', '5', '--resume']);
  const resumed = JSON.parse(await readFile(join(out, 'train_log.json'), 'utf8')) as TrainLog;
  assert.is(resumed.epochs.length, 5);
  assert.equal(resumed.steps.slice(0, 16), log.steps, 'the first four epochs come from the checkpoint');
  assert.is(resumed.rank_digests[0], resumed.rank_digests[1]);
  assert.is.not(resumed.rank_digests[0], log.rank_digests[0]);
}

test.run();
