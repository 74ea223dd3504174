// One writer per run folder (issue 15 §5): a lock with the pid (a live one refused, a stale one
// taken over with a message), model.argon / history.json / curves.svg describing the same epoch,
// temporary files of killed runs removed, and --resume training the model in model.argon.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { decodeModelFile } from '../../src/io/model-file.ts';
import { makeCliData, QUICK } from './cli-data-fixture.ts';
import { tempDir } from '../data-fixtures.ts';
import { argon, binPath } from '../cli-process.ts';

const { dir, cleanup } = tempDir('runs');
const { train } = makeCliData(dir);
const env = { ARGON_CACHE_DIR: join(dir, 'cache') };
const LOCK = 'argon-train.lock';

/** Epochs in model.argon and in history.json. */
function epochs(out: string): { model: number; history: number; svgPoints: number } {
  const { header } = decodeModelFile<{ epoch: number }>(new Uint8Array(readFileSync(join(out, 'model.argon'))));
  const history = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8')) as { epoch: number[] };
  return { model: header.epoch, history: history.epoch.length, svgPoints: history.epoch.length };
}

/** A pid that surely does not run any more. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

test('a completed run leaves one consistent epoch, no lock and no temporary files', async () => {
  const out = join(dir, 'done');
  const r = await argon(['train', ...QUICK, '--data', train, '--epochs', '2', '--out', out], { env });
  assert.is(r.code, 0, r.err);
  assert.equal(epochs(out).model, 2);
  assert.equal(epochs(out).history, 2);
  assert.equal(readdirSync(out).sort(), ['curves.svg', 'history.json', 'model.argon', 'run.json']);
});

test('a live lock is refused; a stale one is taken over with a message; temporary files are removed', async () => {
  const out = join(dir, 'locked');
  const first = await argon(['train', ...QUICK, '--data', train, '--epochs', '1', '--out', out], { env });
  assert.is(first.code, 0, first.err);
  // A live process holds the folder (this test process stands in for another argon train).
  writeFileSync(join(out, LOCK), JSON.stringify({ pid: process.pid, host: hostname(), started: 'earlier' }));
  const refused = await argon(['train', ...QUICK, '--data', train, '--epochs', '1', '--out', out], { env });
  assert.is(refused.code, 2);
  assert.match(refused.err, new RegExp(`in use by another argon train \\(process ${process.pid}`));
  assert.not.match(refused.err, /    at /);
  // The same lock from a process that has died, and the temporary files of a killed save.
  const dead = deadPid();
  writeFileSync(join(out, LOCK), JSON.stringify({ pid: dead, host: hostname(), started: 'earlier' }));
  writeFileSync(join(out, `model.argon.tmp-${dead}-1765000000000`), new Uint8Array(3 << 20));
  writeFileSync(join(out, 'history.json.tmp-1765000000000-k3j2'), '{"epo');
  const taken = await argon(['train', ...QUICK, '--data', train, '--epochs', '1', '--out', out], { env });
  assert.is(taken.code, 0, taken.err);
  assert.match(taken.out, new RegExp(`taking over the stale lock of process ${dead}`));
  assert.match(taken.out, /removed 2 temporary file\(s\) \(3\.0 MiB\)/);
  assert.equal(readdirSync(out).sort(), ['curves.svg', 'history.json', 'model.argon', 'run.json']);
});

test('two argon train into one --out: the second is refused while the first runs', async () => {
  const out = join(dir, 'two');
  const first = spawn(process.execPath, [binPath, 'train', ...QUICK, '--data', train, '--epochs', '100000', '--out', out],
    { env: { ...process.env, ...env }, stdio: 'ignore' });
  // A hang guard, not a timing check: up to 5 minutes on a busy machine.
  for (let i = 0; i < 3000 && !existsSync(join(out, 'model.argon')); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(existsSync(join(out, 'model.argon')), 'the first run checkpoints');
  const second = await argon(['train', ...QUICK, '--data', train, '--epochs', '1', '--out', out], { env });
  assert.is(second.code, 2);
  assert.match(second.err, new RegExp(`in use by another argon train \\(process ${first.pid}`));
  const closed = new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
  first.kill('SIGINT');
  assert.is(await closed, 130);
  const e = epochs(out);
  assert.is(e.history, e.model, 'history.json and model.argon describe the same epoch');
  assert.not.ok(existsSync(join(out, LOCK)));
});

test('history.json out of step with model.argon is rewritten from it on --resume', async () => {
  const out = join(dir, 'repair');
  assert.is((await argon(['train', ...QUICK, '--data', train, '--epochs', '2', '--out', out], { env })).code, 0);
  const history = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8')) as Record<string, unknown[]>;
  for (const k of ['epoch', 'loss', 'valLoss', 'seconds', 'imagesPerSecond']) history[k] = history[k].slice(0, 1);
  writeFileSync(join(out, 'history.json'), JSON.stringify(history));
  const r = await argon(['train', '--resume', out, '--epochs', '3', '--quiet'], { env });
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /history\.json had 1 epoch\(s\); rewritten from model\.argon \(2\)/);
  assert.equal([epochs(out).model, epochs(out).history], [3, 3]);
});

test('--resume trains the model in model.argon and says so', async () => {
  const out = join(dir, 'mismatch');
  assert.is((await argon(['train', ...QUICK, '--data', train, '--epochs', '1', '--out', out], { env })).code, 0);
  const runJson = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { model: string };
  writeFileSync(join(out, 'run.json'), JSON.stringify({ ...runJson, model: 'fcnn3' }));
  const r = await argon(['train', '--resume', out, '--epochs', '2', '--quiet'], { env });
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /run\.json names fcnn3, but .*model\.argon holds fcnn1: resuming the fcnn1 in the file/);
  assert.match(r.out, /resuming fcnn1 from .*model\.argon at epoch 1 of 2/);
  assert.match(r.out, /training fcnn1 /);
  assert.not.match(r.out, /training fcnn3/);
  assert.is((JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { model: string }).model, 'fcnn1', 'run.json now agrees');
  const wrong = await argon(['train', '--resume', out, '--epochs', '3', '--model', 'cnn1', '--quiet'], { env });
  assert.is(wrong.code, 2);
  assert.match(wrong.err, /--resume continues the fcnn1 saved in .*; --model cnn1 does not match/);
});

test.after(cleanup);
test.run();
