// Hostile and careless model files (issue 15 §1): every malformed field is an error naming the file
// and the field, checked before any buffer is made; loaded parameters are never drawn at random;
// non-regular files are refused before reading.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArrayIterator } from '../../src/data/array-iterator.ts';
import { decodeModelFile } from '../../src/io/model-file.ts';
import { Model } from '../../src/model/model.ts';
import { CrossEntropyBinary, GeneralizedCost } from '../../src/nn/costs.ts';
import { Constant, Kaiming, Xavier } from '../../src/nn/initializers.ts';
import { GradientDescentMomentum } from '../../src/nn/optimizers/index.ts';
import { tempDir, throwsWith } from '../data-fixtures.ts';
import { editHeader, reencode, smallNet, type Header } from './fixtures.ts';

const { dir, cleanup } = tempDir('files');
const trained = new Model(smallNet(), { seed: 3 });
await trained.build([3, 8, 8]);
const base = trained.toBytes();
const FILE = join(dir, 'crafted.argon');

/** Writes the edited file and loads it as `argon eval/predict/--resume` do. */
async function loadEdited(edit: (h: Header) => void): Promise<Model> {
  writeFileSync(FILE, editHeader(base, edit));
  return Model.load(FILE);
}

type Topo = { layers: Record<string, unknown>[] };
const topo = (h: Header) => h.topology as Topo;
const layer = (h: Header, type: string) => topo(h).layers.find((l) => l.type === type)!;

test('a Conv with 3×10⁷ filters in a small file is refused before anything is allocated', async () => {
  await throwsWith(() => loadEdited((h) => { layer(h, 'Conv').fshape = [3, 3, 30_000_000]; }), 'crafted.argon', 'Convolution_0');
  // 3×10⁶ filters fit the activation limit; the file's tensor table is what refuses them.
  const msg = await throwsWith(() => loadEdited((h) => { layer(h, 'Conv').fshape = [3, 3, 3_000_000]; }),
    'crafted.argon', 'Convolution_0', '81,000,000 parameter values', 'holds 108');
  assert.match(msg, /Convolution_0\.W/, msg);
});

test('inputShape [3, 100000, 100000] and Affine nout 2e9 exceed the activation limit, named', async () => {
  const big = await throwsWith(() => loadEdited((h) => { h.inputShape = [3, 100000, 100000]; }), 'crafted.argon', 'inputShape');
  assert.match(big, /maxActivationValues/);
  const wide = await throwsWith(() => loadEdited((h) => { layer(h, 'Affine').nout = 2e9; }), 'crafted.argon', 'Linear_0');
  assert.match(wide, /2,000,000,000/);
  // The limit is stated and can be raised: then the file's own tensors are what refuses it.
  writeFileSync(FILE, editHeader(base, (h) => { layer(h, 'Affine').nout = 2e9; }));
  await throwsWith(() => Model.load(FILE, { maxActivationValues: 4e9 }), 'crafted.argon', 'Linear_0', 'parameter values');
});

test('malformed header fields name the file and the field', async () => {
  const cases: [string, (h: Header) => void, string[]][] = [
    ['tensor shape "abc"', (h) => { h.tensors[0].shape = 'abc'; }, ["'Convolution_0.W'", 'shape', '"abc"']],
    ['tensor shape [-1]', (h) => { h.tensors[0].shape = [-1, 3]; }, ['shape', '[-1,3]']],
    ['tensor offset', (h) => { h.tensors[1].offset = 'x'; }, ["'Linear_0.W'", 'offset']],
    ['tensor name', (h) => { (h.tensors[1] as { name: unknown }).name = 7; }, ['tensors[1]', 'name']],
    ['duplicate tensor', (h) => { h.tensors[1].name = 'Convolution_0.W'; }, ["'Convolution_0.W'", 'twice']],
    ['rng "zzz"', (h) => { h.rng = 'zzz'; }, ["'rng'", '"zzz"']],
    ['rng words', (h) => { h.rng = [1, 2, 3, -4, null]; }, ["'rng'"]],
    ['epoch', (h) => { h.epoch = -2; }, ["'epoch'", '-2']],
    ['seed', (h) => { h.seed = 'one'; }, ["'seed'", '"one"']],
    ['name', (h) => { h.name = { x: 1 }; }, ["'name'"]],
    ['inputShape', (h) => { h.inputShape = [3, 0, 8]; }, ["'inputShape'", '[3,0,8]']],
    ['history', (h) => { h.history = { epoch: [0], loss: 'x' }; }, ["'history'"]],
    ['optimizer', (h) => { h.optimizer = { config: { type: 'Adam' }, state: { type: 'Adam', step: 1, slots: 'x' } }; }, ["'optimizer.state.slots'"]],
    ['topology', (h) => { layer(h, 'Conv').padding = 'wide'; }, ['topology', "'padding'"]],
    ['missing tensor', (h) => { h.tensors.pop(); }, ['Linear_0', '128', 'holds 0']],
  ];
  for (const [what, edit, parts] of cases) {
    const msg = await throwsWith(() => loadEdited(edit), 'crafted.argon', ...parts);
    assert.not.match(msg, /is not a function|Cannot read prop|Invalid typed array/, `${what}: ${msg}`);
  }
});

test('a malformed dataState is named when training resumes from the file', async () => {
  const m = await loadEdited((h) => { h.dataState = { epoch: 1, rng: 'zzz' }; });
  const X = new Float32Array(4 * 192).fill(100), y = Int32Array.from([0, 1, 0, 1]);
  const data = new ArrayIterator(X, y, { nclass: 2, lshape: [3, 8, 8], batchSize: 2, shuffle: true, seed: 1 });
  await throwsWith(() => m.fit(data, { cost: new GeneralizedCost({ costfunc: new CrossEntropyBinary() }), optimizer: new GradientDescentMomentum(0.01), epochs: 1 }),
    'dataState', '"zzz"');
  m.dispose();
});

test('a topology nested thousands of levels deep is refused without a stack overflow', async () => {
  // Built as text: JSON.stringify itself overflows the stack at this depth, JSON.parse does not.
  const n = 20000;
  const deep = '{"type":"Sequential","name":"s","layers":['.repeat(n) + '{"type":"Pooling","name":"p","fshape":1}' + ']}'.repeat(n);
  const { header } = decodeModelFile<Header>(base);
  writeFileSync(FILE, reencode(base, JSON.stringify({ ...header, topology: 'DEEP' }).replace('"DEEP"', deep)));
  const msg = await throwsWith(() => Model.load(FILE), 'crafted.argon', 'topology', 'deep');
  assert.not.match(msg, /call stack/);
});

test('loaded parameters are never drawn at random, and the RNG state is the file\'s', async () => {
  let draws = 0;
  const classes = [Kaiming, Xavier, Constant];
  const originals = classes.map((c) => c.prototype.fill);
  classes.forEach((c, i) => {
    c.prototype.fill = function (this: never, ...args: Parameters<Kaiming['fill']>) { draws++; return originals[i].apply(this, args); };
  });
  try {
    writeFileSync(FILE, base);
    const m = await Model.load(FILE);
    assert.is(draws, 0, 'no initial weights drawn for a loaded model');
    const { header } = decodeModelFile<{ rng: (number | null)[] }>(base);
    assert.equal(m.random.getState().slice(0, 4), header.rng.slice(0, 4));
    assert.equal(m.params().map((p) => Array.from(p.value.toArray())), trained.params().map((p) => Array.from(p.value.toArray())));
    m.dispose();
  } finally {
    classes.forEach((c, i) => { c.prototype.fill = originals[i]; });
  }
});

test('directories, FIFOs and devices are refused before reading, naming the path', async () => {
  const sub = join(dir, 'folder.argon');
  mkdirSync(sub);
  await throwsWith(() => Model.load(sub), 'folder.argon', 'a directory');
  await throwsWith(() => Model.load('/dev/zero'), '/dev/zero', 'not a regular file');
  const fifo = join(dir, 'pipe.argon');
  execFileSync('mkfifo', [fifo]);
  await throwsWith(() => Model.load(fifo), 'pipe.argon', 'not a regular file');
  // predict reads images the same way.
  await throwsWith(() => trained.predict('/dev/zero'), '/dev/zero', 'not a regular file');
  await throwsWith(() => trained.predict(fifo), 'pipe.argon', 'not a regular file');
});

test.after(() => { trained.dispose(); cleanup(); });
test.run();
