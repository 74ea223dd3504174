// SGEMM throughput of the wasm backend at n³ for n = 256, 512, 1024, and on the matrix–vector shapes
// of a batch-1 inference (ResNet-18's last 3×3 conv on a 1×1 map: 512 × 4608 times n = 1, 2, 3
// columns; up to 2 stream A unpacked, assembly/gemm-skinny.ts, 3 takes the packed path), on 1 thread and on every core:
// the plain SIMD build always, the relaxed-SIMD build only where the engine validates it (Argon
// switches V8's flag on in Node 20). GFLOP/s = 2n³ / median latency: the machine is shared, and
// the median is steadier than the best sample.
import { Bench } from 'tinybench';
import type { DeviceBuffer } from '../src/backends/backend.ts';
import { createWasmBackend, type WasmBackend } from '../src/backends/wasm/backend.ts';
import { relaxedSimdSupported } from '../src/backends/wasm/module.ts';
import type { Row, Suite } from './run.ts';

function randomValues(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

function product(be: WasmBackend, m: number, n: number, k: number): { run: () => void; free: () => void } {
  const bufs: DeviceBuffer[] = [be.alloc(m * k), be.alloc(k * n), be.alloc(m * n)];
  const [a, b, c] = bufs;
  be.write(a, randomValues(m * k, 1));
  be.write(b, randomValues(k * n, 2));
  const args = { a, b, c, m, n, k, transA: false, transB: false, alpha: 1, beta: 0 };
  return { run: () => be.run('gemm', args), free: () => bufs.forEach((x) => be.dispose(x)) };
}

const SHAPES: [m: number, n: number, k: number][] = [...[256, 512, 1024].map((n): [number, number, number] => [n, n, n]), [512, 1, 4608], [512, 2, 4608], [512, 3, 4608]];

async function measure(be: WasmBackend, suffix: string): Promise<Row[]> {
  const threads = `threads=${be.threads}`;
  // Wasm starts in V8's baseline tier and a call never switches tiers midway, so the optimized
  // code must exist before the first timed call.
  const warm = product(be, 128, 128, 128);
  for (let i = 0; i < 20; i++) warm.run();
  warm.free();
  const rows: Row[] = [];
  for (const [m, n, k] of SHAPES) {
    const job = product(be, m, n, k);
    const bench = new Bench({ time: m * n * k >= 1024 ** 3 ? 1500 : 800, warmupTime: 200 });
    bench.add(`${m}x${n}x${k}`, job.run);
    await bench.run();
    const r = bench.tasks[0].result;
    job.free();
    if (r?.state !== 'completed') continue;
    rows.push({ case: `sgemm ${m}x${n}x${k} ${threads}${suffix}`, value: (2 * m * n * k) / (r.latency.p50 * 1e6), unit: 'GFLOP/s' });
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
