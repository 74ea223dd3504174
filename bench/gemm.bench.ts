// SGEMM throughput of the wasm backend at n³ for n = 256, 512, 1024, on 1 thread and on every core:
// the plain SIMD build always, the relaxed-SIMD build only where the engine validates it (Argon
// switches V8's flag on in Node 20). GFLOP/s = 2n³ / median latency: the machine is shared, and
// the median is steadier than the best sample.
import { Bench } from 'tinybench';
import type { DeviceBuffer } from '../src/backends/backend.ts';
import { createWasmBackend, type WasmBackend } from '../src/backends/wasm/backend.ts';
import { relaxedSimdSupported } from '../src/backends/wasm/module.ts';
import type { Row, Suite } from './run.ts';

const SIZES = [256, 512, 1024];

function randomValues(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

function square(be: WasmBackend, n: number): { run: () => void; free: () => void } {
  const bufs: DeviceBuffer[] = [be.alloc(n * n), be.alloc(n * n), be.alloc(n * n)];
  const [a, b, c] = bufs;
  be.write(a, randomValues(n * n, 1));
  be.write(b, randomValues(n * n, 2));
  const args = { a, b, c, m: n, n, k: n, transA: false, transB: false, alpha: 1, beta: 0 };
  return { run: () => be.run('gemm', args), free: () => bufs.forEach((x) => be.dispose(x)) };
}

async function measure(be: WasmBackend, suffix: string): Promise<Row[]> {
  const threads = `threads=${be.threads}`;
  // Wasm starts in V8's baseline tier and a call never switches tiers midway, so the optimized
  // code must exist before the first timed call.
  const warm = square(be, 128);
  for (let i = 0; i < 20; i++) warm.run();
  warm.free();
  const rows: Row[] = [];
  for (const n of SIZES) {
    const job = square(be, n);
    const bench = new Bench({ time: n >= 1024 ? 1500 : 800, warmupTime: 200 });
    bench.add(`${n}`, job.run);
    await bench.run();
    const r = bench.tasks[0].result;
    job.free();
    if (r?.state !== 'completed') continue;
    rows.push({ case: `sgemm ${n}x${n}x${n} ${threads}${suffix}`, value: (2 * n ** 3) / (r.latency.p50 * 1e6), unit: 'GFLOP/s' });
  }
  return rows;
}

export const gemmSuite: Suite = {
  name: 'gemm',
  async run() {
    const rows: Row[] = [];
    const relaxed = await relaxedSimdSupported();
    for (const threads of [1, undefined]) {
      for (const variant of relaxed ? [false, true] : [false]) {
        const be = await createWasmBackend({ relaxed: variant, threads });
        if (threads === undefined && be.threads === 1) break;
        rows.push(...await measure(be, variant ? ' relaxed' : ''));
        await be.close();
      }
    }
    return rows;
  },
};
