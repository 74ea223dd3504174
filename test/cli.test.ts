// The `argon` command as a user runs it (bin/argon.mjs → build/cli.mjs): help, errors with hints,
// --version, summary of a course network and of a trained model, a short training run with its
// files, eval, predict (probabilities and class names), augmentation flags, and an exact --resume.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { decodeModelFile } from '../src/io/model-file.ts';
import { argon } from './cli-process.ts';

const mnistSpecifier = 'mnist'; // not a literal: the package has no types and is optional
const hasMnist = await import(mnistSpecifier).then(() => true, () => false);
const dir = await mkdtemp(join(tmpdir(), 'argon-cli-'));

test('help lists the commands; an unknown flag or command is an error with a hint', async () => {
  const help = await argon(['--help']);
  assert.is(help.code, 0);
  for (const c of ['train', 'eval', 'predict', 'summary']) assert.match(help.out, new RegExp(`\\n  ${c} `));
  const trainHelp = await argon(['train', '--help']);
  assert.match(trainHelp.out, /--recipe <default\|course>/);
  assert.match(trainHelp.out, /Xavier\(\{ local: false \}\)/, 'the recipe changes are listed');
  const typo = await argon(['train', '--epoch', '3']);
  assert.is(typo.code, 2);
  assert.match(typo.err, /unknown flag --epoch \(did you mean --epochs\?\)/);
  assert.not.match(typo.err, /    at /, 'no stack trace');
  const bad = await argon(['train', '--model', 'resnet19']);
  assert.match(bad.err, /'resnet19' is not one of .* \(did you mean 'resnet18'\?\)/);
  const value = await argon(['train', '--epochs', 'two']);
  assert.match(value.err, /--epochs: expected an integer, got 'two'/);
  assert.match((await argon(['trian'])).err, /did you mean 'train'/);
});

test('summary prints the layers, the parameter count and the memory estimate', async () => {
  const r = await argon(['summary', '--model', 'resnet18', '--input', '3x64x64', '--batch', '32', '--classes', '2']);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /parameters: 11,179,840\n/);
  assert.match(r.out, /training memory at batch 32: [\d.,]+ MiB\n?$/);
  const neither = await argon(['summary', '--model', 'runs/no-such-run']);
  assert.is(neither.code, 2);
  assert.match(neither.err, /'runs\/no-such-run' is neither a course network \(fcnn1, .*\) nor a trained model \(a folder holding model\.argon/);
});

test('--version prints the package version', async () => {
  const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  for (const flag of ['--version', '-v']) {
    const r = await argon([flag]);
    assert.is(r.code, 0, r.err);
    assert.match(r.out, new RegExp(`^argon-nn ${pkg.version.replace(/\./g, '\\.')} \\(Node v\\d+`));
  }
  assert.match((await argon(['--help'])).out, /argon --version/);
});

test('train → files and accuracy; eval → confusion matrix; predict → probabilities', async () => {
  if (!hasMnist) { console.log('skipped: the optional mnist package is not installed'); return; }
  const out = join(dir, 'run');
  const r = await argon(['train', '--epochs', '1', '--limit', '512', '--out', out, '--quiet']);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /10 classes, .*cost CrossEntropyMulti/, 'the default recipe trains 10 classes with Softmax + CrossEntropyMulti');
  assert.match(r.out, /accuracy: 0\.\d{4}\n/);
  const { header } = decodeModelFile<{ classNames: string[]; topology: unknown }>(new Uint8Array(await readFile(join(out, 'model.argon'))));
  assert.equal(header.classNames, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], 'the digits name the classes');
  assert.match(JSON.stringify(header.topology), /"activation":\{"type":"Softmax"/);
  for (const f of ['model.argon', 'history.json', 'curves.svg', 'run.json']) assert.ok(existsSync(join(out, f)), f);
  const history = JSON.parse(await readFile(join(out, 'history.json'), 'utf8')) as { loss: number[] };
  assert.is(history.loss.length, 1);
  assert.match(await readFile(join(out, 'curves.svg'), 'utf8'), /^<svg[^>]*>[\s\S]*<path/);

  const ev = await argon(['eval', '--model', out, '--data', 'mnist']);
  assert.is(ev.code, 0, ev.err);
  assert.match(ev.out, /samples: 2000\naccuracy: 0\.\d{4}\nconfusion matrix/);

  const png = join(dir, 'digit.png');
  const pixels = new Uint8Array(28 * 28);
  for (let y = 4; y < 24; y++) pixels[y * 28 + 14] = 255; // a vertical stroke: a "1"
  await writeFile(png, encode({ width: 28, height: 28, data: pixels, channels: 1 }));
  const pr = await argon(['predict', '--model', out, png]);
  assert.is(pr.code, 0, pr.err);
  const m = /digit\.png: class (\d) \(p (0\.\d{4})\)  \[((?:[01]\.\d{4}(?:, )?){10})\]/.exec(pr.out);
  assert.ok(m, pr.out);
  const probs = m![3].split(', ').map(Number);
  assert.ok(Math.abs(probs.reduce((a, b) => a + b, 0) - 1) < 6e-4, `Softmax probabilities sum to 1: ${m![3]}`);
  assert.is(probs.indexOf(Math.max(...probs)), Number(m![1]));
  const course = await argon(['train', '--recipe', 'course', '--epochs', '1', '--limit', '128', '--out', join(dir, 'course'), '--quiet']);
  assert.is(course.code, 0, course.err);
  assert.match(course.out, /cost CrossEntropyBinary/, 'the course recipe keeps Logistic + CrossEntropyBinary');
  const missing = await argon(['predict', '--model', out, join(dir, 'nope.png')]);
  assert.is(missing.code, 1);
  assert.match(missing.err, /nope\.png/);
});

/** root/<class>/k.png: constant-colour 8×8 images, `per` of each class. */
async function colourFolders(root: string, classes: Record<string, [number, number, number]>, per: number): Promise<void> {
  for (const [name, rgb] of Object.entries(classes)) {
    await mkdir(join(root, name), { recursive: true });
    for (let k = 0; k < per; k++) {
      const data = new Uint8Array(8 * 8 * 3).map((_, i) => Math.min(255, rgb[i % 3] + 3 * k));
      await writeFile(join(root, name, `${k}.png`), encode({ width: 8, height: 8, data, channels: 3 }));
    }
  }
}

test('a folder of class folders: names in predict, eval and summary; augmentation flags', async () => {
  const data = join(dir, 'colours');
  await colourFolders(data, { red: [200, 20, 20], green: [20, 200, 20], blue: [20, 20, 200] }, 8);
  const out = join(dir, 'colours-run');
  const r = await argon(['train', '--model', 'fcnn1', '--data', data, '--test', data, '--input', '3x8x8', '--epochs', '2',
    '--batch-size', '8', '--random-crop', '1', '--flip', '--out', out, '--quiet']);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /3 classes, .*cost CrossEntropyMulti, augmentation: random crop 1, flip/);
  assert.equal(JSON.parse(await readFile(join(out, 'run.json'), 'utf8')).randomCrop, 1, 'saved for --resume');
  const pr = await argon(['predict', '--model', out, join(data, 'red', '0.png')]);
  assert.is(pr.code, 0, pr.err);
  assert.match(pr.out, /0\.png: (blue|green|red) \(class [012], p 0\.\d{4}\)  \[/, 'the folder names name the classes (sorted: blue 0, green 1, red 2)');
  const ev = await argon(['eval', '--model', out, '--data', data, '--batch-size', '8']);
  assert.is(ev.code, 0, ev.err);
  assert.match(ev.out, /samples: 24\n/);
  assert.match(ev.out, /\n0 blue +\d+ +\d+ +\d+\n1 green +\d+ +\d+ +\d+\n2 red +\d+ +\d+ +\d+\n/);
  const sum = await argon(['summary', '--model', out]);
  assert.is(sum.code, 0, sum.err);
  assert.match(sum.out, /parameters: [\d,]+\n/);
  assert.match(sum.out, /classes: blue, green, red\n/);
  const digits = await argon(['train', '--flip', '--epochs', '1']);
  assert.is(digits.code, 2);
  assert.match(digits.err, /--random-crop and --flip augment image data .*--data mnist takes neither/);
});

test('--resume continues exactly where the run stopped', async () => {
  if (!hasMnist) { console.log('skipped: the optional mnist package is not installed'); return; }
  const straight = join(dir, 'straight'), split = join(dir, 'split');
  const common = ['--limit', '256', '--quiet', '--batch-size', '64'];
  assert.is((await argon(['train', '--epochs', '2', '--out', straight, ...common])).code, 0);
  assert.is((await argon(['train', '--epochs', '1', '--out', split, ...common])).code, 0);
  const resumed = await argon(['train', '--resume', split, '--epochs', '2', '--quiet']);
  assert.is(resumed.code, 0, resumed.err);
  assert.match(resumed.out, /resuming cnn1 from .*model\.argon at epoch 1 of 2/);
  const weights = async (d: string) => {
    const { tensors } = decodeModelFile(new Uint8Array(await readFile(join(d, 'model.argon'))));
    return [...tensors].filter(([name]) => !name.startsWith('optimizer/')).map(([name, t]) => [name, Array.from(t.values)]);
  };
  assert.equal(await weights(split), await weights(straight));
});

test('--backend gpu in Node: refused before any data is read, saying why and what to use', async () => {
  const out = join(dir, 'gpu-run');
  const r = await argon(['train', '--backend', 'gpu', '--data', join(dir, 'no-such.csv'), '--epochs', '1', '--out', out]);
  assert.is(r.code, 1);
  assert.match(r.err, /^argon: backend 'gpu' needs WebGL2, which Node does not have/);
  assert.match(r.err, /use the cpu backend/);
  assert.not.match(r.err, /no-such\.csv|    at /, 'the data was read, or a stack trace printed');
});

test('a corrupt model file is a clear error, not a stack trace', async () => {
  const path = join(dir, 'broken.argon');
  await writeFile(path, new Uint8Array([65, 82, 71, 78, 1, 0, 0, 0, 200, 0, 0, 0, 0, 0, 0, 0, 1, 2]));
  const r = await argon(['eval', '--model', path, '--data', 'mnist']);
  assert.is(r.code, 1);
  assert.match(r.err, /^argon: .*broken\.argon: not a valid Argon model file \(truncated/);
  assert.not.match(r.err, /    at /);
});

test.run();
