// The degradation experiment (the lecture's motivation for ResNets; He et al. 2015, Fig. 1 and 6):
// plain and residual 6n + 2 nets of growing depth trained on Fashion-MNIST with the same settings;
// deeper PLAIN nets reach a higher TRAINING error, residual ones do not.
//   npm run example:degradation -- [--quick] [--depths 8,20,32,56] [--epochs N] [--limit N]
//     [--test-limit N] [--width W] [--batch-size B] [--lr LR] [--seed S] [--threads T] [--out DIR]
//   … -- --report [--out DIR]: the charts and the table again from DIR/results.json, no training.
// Writes DIR/results.json (after every net, so a stopped run keeps what it finished),
// DIR/training-error.svg (both families' training curves in one chart) and DIR/test-error.svg, and
// prints a table and the verdict. DIR defaults to examples/degradation.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { setBackend } from '../../src/backends/select.ts';
import { loadFashionMnist } from '../../src/data/fashion-mnist.ts';
import { lineChartSvg, type Series } from '../../src/plot.ts';
import { trainNet, type NetResult, type RunSettings } from './train.ts';
import type { Family } from './nets.ts';
import { flag, has, num } from '../flags.ts';

const quick = has('quick');
// --quick: < 10 minutes here (2 cores); the full run: about an hour.
const settings: RunSettings & { limit: number; testLimit: number; depths: number[] } = {
  depths: (flag('depths') ?? '8,20,32,56').split(',').map(Number),
  limit: num('limit', quick ? 1000 : 10000),
  testLimit: num('test-limit', quick ? 500 : 2000),
  epochs: num('epochs', quick ? 3 : 5),
  batchSize: num('batch-size', 32),
  // He et al.'s 0.1 at batch 128, scaled linearly to batch 32.
  lr: num('lr', 0.025),
  width: num('width', 8),
  seed: num('seed', 1),
};
const out = (flag('out') ?? new URL('.', import.meta.url).pathname).replace(/\/$/, '');
if (flag('threads')) await setBackend('cpu', { threads: num('threads', 1) });

const started = Date.now();
let nets: Record<string, NetResult> = {};
let sizes = { train: settings.limit, test: settings.testLimit };
if (has('report')) {
  // Redraw the charts and the table from an earlier run's results.json.
  const saved = JSON.parse(await readFile(`${out}/results.json`, 'utf8')) as { nets: Record<string, NetResult>; sizes?: typeof sizes; settings: typeof settings };
  nets = saved.nets;
  sizes = saved.sizes ?? { train: saved.settings.limit, test: saved.settings.testLimit };
} else {
  const d = await loadFashionMnist({});
  const cut = (a: { X: Float32Array; y: Int32Array }, n: number) => ({ X: a.X.subarray(0, n * 784), y: a.y.subarray(0, n) });
  const train = cut(d.train, settings.limit), test = cut(d.test, settings.testLimit);
  sizes = { train: train.y.length, test: test.y.length };
  console.log(`degradation experiment${quick ? ' (--quick)' : ''}: depths ${settings.depths.join(', ')}, ${sizes.train} training and ` +
    `${sizes.test} test images of Fashion-MNIST, ${settings.epochs} epochs, batch ${settings.batchSize}, SGD lr ${settings.lr} ` +
    `momentum 0.9 wd 1e-4, width ${settings.width}`);
  await mkdir(out, { recursive: true });
  const save = () => writeFile(`${out}/results.json`, `${JSON.stringify({
    quick, settings, sizes, date: new Date().toISOString(), seconds: (Date.now() - started) / 1000, nets,
  }, null, 2)}\n`);
  for (const depth of settings.depths) {
    for (const family of ['plain', 'resnet'] as Family[]) {
      console.log(`${family}-${depth}:`);
      nets[`${family}-${depth}`] = await trainNet(family, depth, train, test, settings, console.log);
      await save();
    }
  }
}

const names = Object.keys(nets);
const curves: Series[] = names.map((n) => ({ name: n, values: nets[n].trainCurve.map((p) => 100 * p.error), x: nets[n].trainCurve.map((p) => p.x) }));
await writeFile(`${out}/training-error.svg`, lineChartSvg(curves, {
  title: `Training error, plain vs residual (${sizes.train} Fashion-MNIST images)`, xLabel: 'epoch', yLabel: 'training error (%)', width: 820, height: 460,
}));
await writeFile(`${out}/test-error.svg`, lineChartSvg(names.map((n) => ({
  name: n, values: nets[n].epochs.map((e) => 100 * e.testError), x: nets[n].epochs.map((e) => e.epoch),
})), { title: `Test error (${sizes.test} test images)`, xLabel: 'epoch', yLabel: 'test error (%)', width: 820, height: 460 }));

const last = (n: string) => nets[n]?.epochs.at(-1);
const pct = (v: number | undefined) => (v === undefined ? '–' : (100 * v).toFixed(2));
console.log('\n| net | parameters | training error % (last epoch) | training error % (its last quarter) | test error % | time s |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const n of names) {
  const e = last(n);
  console.log(`| ${n} | ${nets[n].params.toLocaleString('en-US')} | ${e ? pct(e.trainError) : 'diverged'} | ${pct(nets[n].trainCurve.at(-1)?.error)} | ` +
    `${pct(e?.testError)} | ${e ? e.seconds.toFixed(0) : '–'} |`);
}
const compare = (a: string, b: string, want: 'above' | 'at or below') => {
  const x = last(a)?.trainError, y = last(b)?.trainError;
  if (x === undefined || y === undefined) return;
  const holds = want === 'above' ? x > y : x <= y;
  console.log(`${a} training error ${(100 * x).toFixed(2)} % vs ${b} ${(100 * y).toFixed(2)} %: expected ${want}, ${holds ? 'as expected' : 'NOT as expected'}`);
};
compare('plain-56', 'plain-20', 'above');
compare('resnet-56', 'resnet-20', 'at or below');
console.log(`total ${((Date.now() - started) / 1000).toFixed(0)} s; wrote ${out}/${has('report') ? '' : 'results.json, '}training-error.svg, test-error.svg`);
