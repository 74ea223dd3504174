// Argon in the comparison: `node --import tsx bench/peers/argon.ts [--threads N] [--iters N] id…`
// prints one RESULT line per workload (bench/workloads.ts).
import { parseArgs } from 'node:util';
import { createWasmBackend } from '../../src/backends/wasm/backend.ts';
import { argonRunner } from '../argon-workloads.ts';
import { peakGflops } from '../peak.bench.ts';
import { flopsPerImage, profileKernels } from '../profile.ts';
import { medianMs } from '../timing.ts';
import { NETS, WORKLOADS, emit, parseWorkload, type WorkloadId } from '../workloads.ts';

const { values, positionals } = parseArgs({
  options: { threads: { type: 'string' }, iters: { type: 'string', default: '3' } }, allowPositionals: true,
});
const iters = Number(values.iters);
const be = await createWasmBackend({ threads: values.threads === undefined ? undefined : Number(values.threads) });
const peer = 'Argon';
const note = `${be.threads} thread${be.threads > 1 ? 's' : ''}, ${be.variant === 'relaxed' ? 'relaxed SIMD' : 'SIMD'}`;
// The 128-bit SIMD multiply–add peak on these threads (bench/peak.bench.ts), for each net's fraction.
const peak = peakGflops(be, be.threads);

for (const id of (positionals.length ? positionals : WORKLOADS) as WorkloadId[]) {
  const w = parseWorkload(id);
  if (!w) {
    const n = 1024;
    const [a, b, c] = [be.alloc(n * n), be.alloc(n * n), be.alloc(n * n)];
    be.write(a, new Float32Array(n * n).map((_, i) => Math.sin(i)));
    be.write(b, new Float32Array(n * n).map((_, i) => Math.cos(i)));
    const args = { a, b, c, m: n, n, k: n, transA: false, transB: false, alpha: 1, beta: 0 };
    const ms = await medianMs(() => be.run('gemm', args), Math.max(iters, 7), 3);
    emit({ workload: id, peer, value: (2 * n ** 3) / (ms * 1e6), unit: 'GFLOP/s', note });
    for (const x of [a, b, c]) be.dispose(x);
    continue;
  }
  const spec = NETS[w.net];
  const runner = argonRunner(be, w.net, spec.batch);
  const step = w.mode === 'train' ? runner.train : runner.infer;
  const ms = await medianMs(step, iters, 1);
  const profile = profileKernels(be, step);
  const gflops = (flopsPerImage(runner.root, w.mode === 'train') * spec.batch) / (ms * 1e6);
  const detail = { gflops, peakGflops: peak, split: profile.split, totalMs: profile.totalMs };
  emit({ workload: id, peer, value: spec.batch / (ms / 1000), unit: 'img/s', note, detail });
  runner.dispose();
}
await be.close();
