// Callbacks driven through CallbackRunner with a fake clock and a fake stream: the progress bar's
// lines (plain and TTY), the history and its JSON/SVG files, checkpoint/saveBest/earlyStop logic.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CallbackRunner, checkpoint, earlyStop, History, historyPlot, progressBar, progressString, saveBest, type Callback, type EpochLogs,
} from '../src/nn/callbacks/index.ts';
import { lineChartSvg } from '../src/plot.ts';

class FakeClock {
  t = 0;
  now = () => this.t;
}

function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, write: (s: string) => { chunks.push(s); return true; } } };
}

/** Runs `epochs` epochs of `nb` batches of 32 samples, 50 ms a batch, through the runner. */
async function train(callbacks: Callback[], opts: { epochs: number; nb: number; clock: FakeClock; logs?: (e: number) => EpochLogs }) {
  const saved: string[] = [];
  let stopped = false;
  const runner = new CallbackRunner(callbacks, { now: opts.clock.now });
  await runner.trainBegin({
    epochs: opts.epochs, nbatches: opts.nb, batchSize: 32, ndata: 32 * opts.nb, costName: 'CrossEntropyBinary',
    save: async (p) => { saved.push(p); }, stop: () => { stopped = true; },
  });
  let epoch = 0;
  for (; epoch < opts.epochs && !stopped; epoch++) {
    await runner.epochBegin(epoch);
    for (let b = 0; b < opts.nb; b++) { opts.clock.t += 50; await runner.batchEnd(b, { loss: 1 - 0.02 * b, size: 32 }); }
    opts.clock.t += 100;
    await runner.epochEnd(epoch, opts.logs?.(epoch) ?? { loss: 0.5 / (epoch + 1) });
  }
  return { history: await runner.trainEnd(), saved, stopped, epochsRun: epoch };
}

test("progressString is neon's get_progress_string", () => {
  assert.is(progressString(0, 5, 10, 0.6931, 1.234), `Epoch 0   [Train |${'█'.repeat(10)}${' '.repeat(10)}|    5/10   batches, 0.69 cost, 1.23s`);
  assert.is(progressString(12, 3, 7, 2, 0.5).slice(0, 30), `Epoch 12  [Train |${'█'.repeat(8)}    `);
});

test('progress bar, not a TTY: a line per tenth of the epoch and a final one with the validation loss', async () => {
  const { chunks, stream } = fakeStream(false);
  const clock = new FakeClock();
  await train([progressBar({ stream, now: clock.now })], {
    epochs: 1, nb: 20, clock, logs: () => ({ loss: 0.9, valLoss: 0.4567, valSeconds: 1.5, metrics: { Top1Misclass: 0.125 } }),
  });
  assert.ok(chunks.every((c) => c.endsWith('\n') && !c.includes('\r')), 'plain lines');
  assert.is(chunks.length, 10, '9 progress lines (10 %…90 %) and the final line');
  assert.is(chunks[0], `Epoch 0   [Train |${'█'.repeat(2)}${' '.repeat(18)}|    2/20   batches, 0.99 cost, 0.10s, 640 img/s, ETA 0:01]\n`);
  // Cost = mean of the last 10 batch losses (batches 10..19: 1 − 0.02·b).
  assert.is(chunks[9], `Epoch 0   [Train |${'█'.repeat(20)}|   20/20   batches, 0.71 cost, 1.00s, 640 img/s] ` +
    '[CrossEntropyBinary Loss 0.46, 1.50s, Top1Misclass 0.1250]\n');
});

test('progress bar on a TTY: redrawn with \\r at most every 0.1 s, the last batch always, newline at epoch end', async () => {
  const { chunks, stream } = fakeStream(true);
  const clock = new FakeClock();
  await train([progressBar({ stream, now: clock.now })], { epochs: 2, nb: 5, clock });
  // Batches end at 50, 100, …, 250 ms: drawn at 150 ms (more than 0.1 s after the start), at the last
  // batch, and once more at the epoch's end: 3 draws per epoch.
  const draws = chunks.filter((c) => c.startsWith('\r'));
  assert.is(draws.length, 6, 'redraw count');
  assert.ok(draws[0].startsWith('\rEpoch 0   [Train |████████████        |    3/5    batches'), draws[0]);
  assert.ok(chunks.filter((c) => c === '\n').length === 2, 'one newline per epoch');
  const lastOfEpoch1 = chunks[chunks.lastIndexOf('\n') - 1];
  assert.ok(lastOfEpoch1.startsWith('\rEpoch 1   [Train |████████████████████|    5/5    batches'), lastOfEpoch1);
  assert.not.ok(lastOfEpoch1.includes('ETA'), 'no ETA on the finished line');
});

test('History: per-epoch arrays, metrics that appear late are back-filled, JSON round trip', async () => {
  const clock = new FakeClock();
  const { history } = await train([], {
    epochs: 3, nb: 4, clock, logs: (e) => (e === 0 ? { loss: 1 } : { loss: 1 / (e + 1), valLoss: 0.5, metrics: { Accuracy: 0.5 + e / 10 } }),
  });
  const json = JSON.parse(JSON.stringify(history));
  assert.equal(json.epoch, [0, 1, 2]);
  assert.equal(json.loss, [1, 0.5, 1 / 3]);
  assert.equal(json.valLoss, [null, 0.5, 0.5]);
  assert.equal(json.metrics, { Accuracy: [null, 0.6, 0.7] });
  assert.equal(json.seconds, [0.3, 0.3, 0.3]);
  assert.equal(json.imagesPerSecond, [640, 640, 640]);
  assert.equal(JSON.parse(JSON.stringify(History.fromJSON(json))), json);
  assert.throws(() => History.fromJSON({ ...json, loss: [1] }), /not a history/);
});

test('lineChartSvg: valid SVG, one path per series, gaps for missing values, escaped text', () => {
  const svg = lineChartSvg([{ name: 'loss', values: [1, 0.5, 0.25] }, { name: 'a<b', values: [null, 0.2, 0.3] }], { title: 'T & U', xLabel: 'epoch' });
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"') && svg.trim().endsWith('</svg>'));
  assert.is((svg.match(/<path /g) ?? []).length, 2);
  assert.ok(svg.includes('a&lt;b') && svg.includes('T &amp; U') && !svg.includes('a<b'));
  const d = [...svg.matchAll(/<path d="([^"]*)"/g)].map((m) => m[1]);
  assert.is((d[0].match(/[ML]/g) ?? []).join(''), 'MLL');
  assert.is((d[1].match(/[ML]/g) ?? []).join(''), 'ML');
  assert.ok(/<text[^>]*>0\.6<\/text>/.test(svg) && /<text[^>]*>1<\/text>/.test(svg), 'y ticks 0.2 apart');
});

test('historyPlot writes history.json and curves.svg (one path per curve)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'argon-plot-'));
  try {
    const clock = new FakeClock();
    await train([historyPlot({ path: join(dir, 'out') })], {
      epochs: 2, nb: 2, clock, logs: (e) => ({ loss: 1 - e / 4, valLoss: 0.9, metrics: { Top1Misclass: 0.3 } }),
    });
    const json = JSON.parse(await readFile(join(dir, 'out', 'history.json'), 'utf8'));
    assert.equal(json.loss, [1, 0.75]);
    const svg = await readFile(join(dir, 'out', 'curves.svg'), 'utf8');
    assert.is((svg.match(/<path /g) ?? []).length, 3, 'loss, valLoss, Top1Misclass');
    assert.ok(svg.includes('>Top1Misclass</text>'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('earlyStop: stops after `patience` epochs without improvement', async () => {
  const vals = [1, 0.8, 0.85, 0.81, 0.9, 0.7];
  const es = earlyStop({ patience: 2 });
  const r = await train([es], { epochs: 6, nb: 1, clock: new FakeClock(), logs: (e) => ({ loss: 1, valLoss: vals[e] }) });
  assert.ok(r.stopped);
  assert.is(r.epochsRun, 4, 'epochs 2 and 3 did not improve on 0.8');
  assert.is(es.best, 0.8);
  assert.is(es.bestEpoch, 1);
  assert.is(es.stoppedEpoch, 3);
  // Larger is better for Accuracy ('auto'), epochs without the metric do not count, minDelta applies.
  const acc = [0.5, undefined, 0.505, 0.52, 0.6];
  const es2 = earlyStop({ patience: 1, metric: 'Accuracy', minDelta: 0.01 });
  const r2 = await train([es2], { epochs: 5, nb: 1, clock: new FakeClock(), logs: (e): EpochLogs => ({ loss: 1, metrics: acc[e] === undefined ? {} : { Accuracy: acc[e] as number } }) });
  assert.is(r2.epochsRun, 3, 'stops at epoch 2: 0.505 is not 0.01 better than 0.5');
  assert.throws(() => earlyStop({ patience: -1 }), /non-negative integer/);
});

test('checkpoint every k epochs plus the last epoch; saveBest on improvement only', async () => {
  const vals = [0.5, 0.6, 0.4, 0.4, 0.45];
  const r = await train([checkpoint({ path: 'ck-{epoch}.argon', every: 2 }), saveBest({ path: 'best.argon' })], {
    epochs: 5, nb: 1, clock: new FakeClock(), logs: (e) => ({ loss: 1, valLoss: vals[e] }),
  });
  assert.equal(r.saved, ['best.argon', 'ck-1.argon', 'best.argon', 'ck-3.argon', 'ck-4.argon']);
  const sb = saveBest({ path: 'm', metric: 'Accuracy' });
  const r2 = await train([sb], { epochs: 3, nb: 1, clock: new FakeClock(), logs: (e) => ({ loss: 1, metrics: { Accuracy: [0.5, 0.7, 0.6][e] } }) });
  assert.equal(r2.saved, ['m', 'm']);
  assert.is(sb.bestEpoch, 1);
  assert.throws(() => checkpoint({ path: 'x', every: 0 }), /positive integer/);
});

test.run();
