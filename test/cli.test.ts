// The `argon` command as a user runs it (bin/argon.mjs → build/cli.mjs): help, errors with hints,
// summary, a short training run with its files, eval, predict, and an exact --resume.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { encode } from 'fast-png';
import { decodeModelFile } from '../src/io/model-file.ts';

const run = promisify(execFile);
const bin = new URL('../bin/argon.mjs', import.meta.url).pathname;

async function argon(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { timeout: 240_000 });
    return { code: 0, out: stdout, err: stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: x.code ?? 1, out: x.stdout ?? '', err: x.stderr ?? '' };
  }
}

const mnistSpecifier = 'mnist'; // not a literal: the package has no types and is optional
const hasMnist = await import(mnistSpecifier).then(() => true, () => false);
const dir = await mkdtemp(join(tmpdir(), 'argon-cli-'));

test('help lists the commands; an unknown flag or command is an error with a hint', async () => {
  const help = await argon('--help');
  assert.is(help.code, 0);
  for (const c of ['train', 'eval', 'predict', 'summary']) assert.match(help.out, new RegExp(`\\n  ${c} `));
  const trainHelp = await argon('train', '--help');
  assert.match(trainHelp.out, /--recipe <default\|course>/);
  assert.match(trainHelp.out, /Xavier\(\{ local: false \}\)/, 'the recipe changes are listed');
  const typo = await argon('train', '--epoch', '3');
  assert.is(typo.code, 2);
  assert.match(typo.err, /unknown flag --epoch \(did you mean --epochs\?\)/);
  assert.not.match(typo.err, /    at /, 'no stack trace');
  const bad = await argon('train', '--model', 'resnet19');
  assert.match(bad.err, /'resnet19' is not one of .* \(did you mean 'resnet18'\?\)/);
  const value = await argon('train', '--epochs', 'two');
  assert.match(value.err, /--epochs: expected an integer, got 'two'/);
  assert.match((await argon('trian')).err, /did you mean 'train'/);
});

test('summary prints the layers, the parameter count and the memory estimate', async () => {
  const r = await argon('summary', '--model', 'resnet18', '--input', '3x64x64', '--batch', '32', '--classes', '2');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /parameters: 11,179,840\n/);
  assert.match(r.out, /training memory at batch 32: [\d.,]+ MiB\n?$/);
});

test('train → files and accuracy; eval → confusion matrix; predict → probabilities', async () => {
  if (!hasMnist) { console.log('skipped: the optional mnist package is not installed'); return; }
  const out = join(dir, 'run');
  const r = await argon('train', '--epochs', '1', '--limit', '512', '--out', out, '--quiet');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /accuracy: 0\.\d{4}\n/);
  for (const f of ['model.argon', 'history.json', 'curves.svg', 'run.json']) assert.ok(existsSync(join(out, f)), f);
  const history = JSON.parse(await readFile(join(out, 'history.json'), 'utf8')) as { loss: number[] };
  assert.is(history.loss.length, 1);
  assert.match(await readFile(join(out, 'curves.svg'), 'utf8'), /^<svg[^>]*>[\s\S]*<path/);

  const ev = await argon('eval', '--model', out, '--data', 'mnist');
  assert.is(ev.code, 0, ev.err);
  assert.match(ev.out, /samples: 2000\naccuracy: 0\.\d{4}\nconfusion matrix/);

  const png = join(dir, 'digit.png');
  const pixels = new Uint8Array(28 * 28);
  for (let y = 4; y < 24; y++) pixels[y * 28 + 14] = 255; // a vertical stroke: a "1"
  await writeFile(png, encode({ width: 28, height: 28, data: pixels, channels: 1 }));
  const pr = await argon('predict', '--model', out, png);
  assert.is(pr.code, 0, pr.err);
  assert.match(pr.out, /digit\.png: class \d  \[(0\.\d{4}(, )?){10}\]/);
  const missing = await argon('predict', '--model', out, join(dir, 'nope.png'));
  assert.is(missing.code, 1);
  assert.match(missing.err, /nope\.png/);
});

test('--resume continues exactly where the run stopped', async () => {
  if (!hasMnist) { console.log('skipped: the optional mnist package is not installed'); return; }
  const straight = join(dir, 'straight'), split = join(dir, 'split');
  const common = ['--limit', '256', '--quiet', '--batch-size', '64'];
  assert.is((await argon('train', '--epochs', '2', '--out', straight, ...common)).code, 0);
  assert.is((await argon('train', '--epochs', '1', '--out', split, ...common)).code, 0);
  const resumed = await argon('train', '--resume', split, '--epochs', '2', '--quiet');
  assert.is(resumed.code, 0, resumed.err);
  assert.match(resumed.out, /resuming cnn1 from .*model\.argon at epoch 1 of 2/);
  const weights = async (d: string) => {
    const { tensors } = decodeModelFile(new Uint8Array(await readFile(join(d, 'model.argon'))));
    return [...tensors].filter(([name]) => !name.startsWith('optimizer/')).map(([name, t]) => [name, Array.from(t.values)]);
  };
  assert.equal(await weights(split), await weights(straight));
});

test('a corrupt model file is a clear error, not a stack trace', async () => {
  const path = join(dir, 'broken.argon');
  await writeFile(path, new Uint8Array([65, 82, 71, 78, 1, 0, 0, 0, 200, 0, 0, 0, 0, 0, 0, 0, 1, 2]));
  const r = await argon('eval', '--model', path, '--data', 'mnist');
  assert.is(r.code, 1);
  assert.match(r.err, /^argon: .*broken\.argon: not a valid Argon model file \(truncated/);
  assert.not.match(r.err, /    at /);
});

test.run();
