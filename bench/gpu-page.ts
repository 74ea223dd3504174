// In-page half of `npm run bench:gpu` (bench/gpu.ts loads it in Chromium): times training steps of
// CNN-1 and ResNet-18 on the GPU path (webgl) and the CPU path (wasm) in the same page. The first
// step of each run compiles (shaders on the GPU) and is reported apart from the steady steps.
import { getBackend } from '../src/backends/select.ts';
import { ArrayIterator } from '../src/data/array-iterator.ts';
import { Model } from '../src/model/model.ts';
import { cnn1, resnet18 } from '../src/models/index.ts';
import { CrossEntropyBinary, CrossEntropyMulti, GeneralizedCost } from '../src/nn/costs.ts';
import { GradientDescentMomentum } from '../src/nn/optimizers/index.ts';
import { autoChoice } from '../src/backends/webgl/select.ts';
import { probeWebGL } from '../src/backends/webgl/context.ts';
import { convBreakdown } from './gpu-conv.ts';

export interface BenchCase { net: 'cnn1' | 'resnet18'; batch: number; size: number; steps: number }
export interface BenchRow {
  net: string; backend: string; batch: number; size: number;
  firstStepMs: number; stepMs: number[]; imagesPerSecond: number; firstLoss: number;
}

async function timeSteps(c: BenchCase, backend: 'cpu' | 'gpu'): Promise<BenchRow> {
  const shape = [3, c.size, c.size];
  const layers = c.net === 'cnn1' ? cnn1({ inputShape: shape }) : resnet18({ inputShape: shape });
  const cost = new GeneralizedCost({ costfunc: c.net === 'cnn1' ? new CrossEntropyBinary() : new CrossEntropyMulti() });
  const n = c.batch * (c.steps + 1);
  const X = new Uint8Array(n * 3 * c.size * c.size);
  for (let i = 0; i < X.length; i++) X[i] = (i * 2654435761) >>> 24;
  const y = Int32Array.from({ length: n }, (_, i) => i % 2);
  const model = new Model(layers, { seed: 1, backend });
  const times: number[] = [];
  let firstLoss = NaN, last = performance.now();
  await model.fit(new ArrayIterator(X, y, { nclass: 2, lshape: shape, batchSize: c.batch }), {
    cost, optimizer: new GradientDescentMomentum(0.01, { momentumCoef: 0.9 }), epochs: 1,
    callbacks: [
      { onTrainBegin: () => { last = performance.now(); } },
      { onBatchEnd: (_b, logs) => {
        const now = performance.now();
        times.push(now - last);
        if (Number.isNaN(firstLoss)) firstLoss = logs.loss;
        last = now;
      } },
    ],
  });
  const name = model.backend.name;
  model.dispose();
  const steady = times.slice(1);
  const median = [...steady].sort((a, b) => a - b)[Math.floor(steady.length / 2)] ?? times[0];
  return {
    net: c.net, backend: name, batch: c.batch, size: c.size, firstStepMs: times[0], stepMs: steady,
    imagesPerSecond: c.batch / (median / 1000), firstLoss,
  };
}

export async function runBench(cases: BenchCase[]): Promise<{ renderer: string; software: boolean; auto: string; cpu: string; rows: BenchRow[] }> {
  const probe = probeWebGL();
  const cpu = await getBackend('cpu');
  const rows: BenchRow[] = [];
  for (const c of cases) for (const b of ['gpu', 'cpu'] as const) rows.push(await timeSteps(c, b));
  const variant = (cpu as { variant?: string }).variant, threads = (cpu as { threads?: number }).threads;
  return { renderer: probe.renderer, software: probe.software, auto: autoChoice().name, cpu: `wasm ${variant ?? ''} ${threads ?? 1} thread(s)`, rows };
}

(globalThis as { argonBench?: { runBench: typeof runBench; probe: typeof probeWebGL; convBreakdown: typeof convBreakdown } }).argonBench = {
  runBench, probe: probeWebGL, convBreakdown,
};
