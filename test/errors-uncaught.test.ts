// What a Node user sees when an error from argon-nn goes uncaught: a child process imports the
// shipped Node build (build/argon.node.mjs → build/node/, what `import 'argon-nn'` loads) and
// throws at top level. stderr must be short, with no long lines of code, and name the class, the
// library's file and line; with `node --enable-source-maps` the lines are those of src/*.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO } from './browser/harness.ts';

const ENTRY = pathToFileURL(join(REPO, 'build/argon.node.mjs')).href;

/** Runs an ES module (source text) in a child Node; its exit code and stderr. */
function runModule(code: string, flags: string[] = []): Promise<{ code: number; err: string }> {
  return new Promise((ok) => {
    // No colours: Node greys the path prefixes of stack frames when FORCE_COLOR is set.
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.FORCE_COLOR;
    execFile(process.execPath, [...flags, '--input-type=module', '-e', code], { cwd: REPO, env, timeout: 120_000 }, (e, _out, err) => {
      ok({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, err: err.replace(/\x1b\[[0-9;]*m/g, '') });
    });
  });
}

function short(err: string): void {
  assert.ok(err.length < 2500, `stderr is short (${err.length} characters):\n${err}`);
  const longest = Math.max(...err.split('\n').map((l) => l.length));
  assert.ok(longest < 250, `no line of minified code (longest line: ${longest} characters)`);
}

const LAYERS = `const { Model, Conv, Affine, Softmax } = await import(${JSON.stringify(ENTRY)});
const model = new Model([new Conv([3, 3, 4]), new Affine(2, { activation: new Softmax() })]);
await model.getOutputs(new Float32Array(10), { inputShape: [5] });`;

test('the Node build is there (npm run build)', () => {
  assert.ok(existsSync(join(REPO, 'build/node/index.js')), 'build/node is missing: run `npm run build`');
});

test('a wrong ArrayIterator at top level: a short message naming the class and the file and line', async () => {
  const r = await runModule(`const { ArrayIterator } = await import(${JSON.stringify(ENTRY)});
new ArrayIterator(new Float32Array(10), new Int32Array(3), { nclass: 2, lshape: [4], batchSize: 2 });`);
  assert.is(r.code, 1);
  short(r.err);
  assert.match(r.err, /Error: ArrayIterator: X has 10 values but N·prod\(lshape\) = 3·4 = 12/);
  assert.match(r.err, /at new ArrayIterator \(file:\/\/\S+\/build\/node\/data\/array-iterator\.js:\d+:\d+\)/);
});

test('a layer that cannot take the input: the stack names Model, Conv and their files', async () => {
  const r = await runModule(LAYERS);
  assert.is(r.code, 1);
  short(r.err);
  assert.match(r.err, /Convolution layer 'Convolution_0': expected input \[C, H, W\], got \[5\]/);
  assert.match(r.err, /at Conv\.configure \(file:\/\/\S+\/build\/node\/layers\/layer\.js:\d+:\d+\)/);
  assert.match(r.err, /at Model\.build \(file:\/\/\S+\/build\/node\/model\/model\.js:\d+:\d+\)/);
});

test('node --enable-source-maps maps the frames to the lines of src/*.ts', async () => {
  const r = await runModule(LAYERS, ['--enable-source-maps']);
  assert.is(r.code, 1);
  short(r.err);
  const m = /at Model\.build \((\S+\/src\/model\/model\.ts):(\d+):\d+\)/.exec(r.err);
  assert.ok(m, r.err);
  const line = readFileSync(join(REPO, 'src/model/model.ts'), 'utf8').split('\n')[Number(m![2]) - 1];
  assert.match(line, /buildLayers\(/, `src/model/model.ts:${m![2]} is the call that failed`);
});

test('fit without an optimizer, from plain JS: the option is named, not "Cannot read properties"', async () => {
  const r = await runModule(`const a = await import(${JSON.stringify(ENTRY)});
const data = new a.ArrayIterator([[1, 2], [3, 4]], [0, 1], { nclass: 2, lshape: [2], batchSize: 2 });
const model = new a.Model([new a.Affine(2, { activation: new a.Softmax() })]);
await model.fit(data, { cost: new a.GeneralizedCost({ costfunc: new a.CrossEntropyMulti() }), epochs: 1 });`);
  assert.is(r.code, 1);
  short(r.err);
  assert.match(r.err, /Error: fit: option 'optimizer' is required \(an optimizer, e\.g\. new GradientDescentMomentum/);
  assert.not.match(r.err, /Cannot read properties/);
});

test.run();
