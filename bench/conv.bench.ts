// Forward and forward+backward time of single conv layers on the wasm backend (1 thread):
// each conv layer of the course's CNN-1 at 3×64×64, batch 128 (3×3, padding 2, dilation 2), and a
// ResNet-18 3×3 conv (64 → 64 channels, 16×16, batch 32). Reported as median milliseconds and the
// effective GFLOP/s (forward 2·K·C·R·S·P·N flops; backward twice that: dW and dcols).
import { Bench } from 'tinybench';
import { backward, noGrad } from '../src/autograd/index.ts';
import type { Backend } from '../src/backends/backend.ts';
import { createWasmBackend } from '../src/backends/wasm/backend.ts';
import { conv } from '../src/ops/index.ts';
import { Tensor, tidy } from '../src/tensor.ts';
import { benchValues as values } from './conv-values.ts';
import type { Row, Suite } from './run.ts';

interface ConvCase { name: string; x: number[]; w: number[]; pad: number; dilation: number }

const CASES: ConvCase[] = [
  { name: 'cnn1 conv1 3→32 3×3 d2 64×64 N128', x: [3, 64, 64, 128], w: [32, 3, 3, 3], pad: 2, dilation: 2 },
  { name: 'cnn1 conv2 32→64 3×3 d2 32×32 N128', x: [32, 32, 32, 128], w: [64, 32, 3, 3], pad: 2, dilation: 2 },
  { name: 'resnet18 conv 64→64 3×3 16×16 N32', x: [64, 16, 16, 32], w: [64, 64, 3, 3], pad: 1, dilation: 1 },
];

async function measure(be: Backend, c: ConvCase): Promise<Row[]> {
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const x = Tensor.fromArray(be, values(size(c.x)), c.x, { requiresGrad: true });
  const w = Tensor.fromArray(be, values(size(c.w)), c.w, { requiresGrad: true });
  const opts = { pad: c.pad, dilation: c.dilation };
  const forward = () => noGrad(() => tidy(() => { conv(x, w, opts); }));
  const train = () => tidy(() => {
    backward(conv(x, w, opts));
    x.grad?.dispose(); x.grad = null;
    w.grad?.dispose(); w.grad = null;
  });
  const bench = new Bench({ time: 1500, warmupTime: 300, iterations: 3 });
  bench.add('forward', forward).add('forward+backward', train);
  await bench.run();
  const p = c.x[1] * c.x[2]; // 'same' convs here: output spatial size = input
  const flops = 2 * c.w[0] * c.w[1] * c.w[2] * c.w[3] * p * c.x[3];
  const rows: Row[] = [];
  for (const task of bench.tasks) {
    const r = task.result;
    if (r?.state !== 'completed') continue;
    const ms = r.latency.p50;
    const total = task.name === 'forward' ? flops : 3 * flops;
    rows.push({ case: `${c.name} ${task.name}`, value: ms, unit: 'ms' });
    rows.push({ case: `${c.name} ${task.name} throughput`, value: total / (ms * 1e6), unit: 'GFLOP/s' });
  }
  x.dispose();
  w.dispose();
  return rows;
}

export const convSuite: Suite = {
  name: 'conv',
  async run() {
    const be = await createWasmBackend();
    const rows: Row[] = [];
    for (const c of CASES) rows.push(...await measure(be, c));
    return rows;
  },
};
