// Each convolution algorithm of the wasm backend on the course networks' 3×3 layers, forward, weight
// gradient and input gradient, timed round-robin (one call of each in turn, median of the rounds)
// so that a shared machine's load hits every algorithm alike:
//   im2col   im2col + one GEMM (col2im after the input gradient's GEMM)
//   tiled    the column-free kernels (convForward, convWeightGrad, convInputGrad)
//   winograd the Winograd F(2×2, 3×3) kernels
//   direct   (few-channel first layers, forward and weight gradient only) the tiled forward and the
//            direct weight gradient
//   dense    (ResNet's last stage on 2×2 and 1×1 maps) one dense product over x and y in place
// Printed as ms per call and GFLOP/s counted as direct convolution (2·K·C·9·P·N per pass), so an
// algorithm doing fewer multiplications shows above the machine's peak. `npm run bench -- algos`
// (ARGON_THREADS picks the thread count, default every core).
import type { DeviceBuffer } from '../src/backends/backend.ts';
import { createWasmBackend, type WasmBackend } from '../src/backends/wasm/backend.ts';
import type { WindowGeometry } from '../src/kernels.ts';
import { CONV_PASS_KERNELS } from '../src/ops/conv-plan.ts';
import { windowGeometry } from '../src/shape.ts';
import { benchValues } from './conv-values.ts';
import type { Row, Suite } from './run.ts';

export interface LayerCase { name: string; x: [number, number, number, number]; k: number; pad: number; dilation: number; window?: number; stride?: number }

export const LAYERS: LayerCase[] = [
  { name: 'cnn1 conv1 3→32 64² d2 N128', x: [3, 64, 64, 128], k: 32, pad: 2, dilation: 2 },
  { name: 'cnn1 conv2 32→64 32² d2 N128', x: [32, 32, 32, 128], k: 64, pad: 2, dilation: 2 },
  { name: 'mnist conv2 32→64 14² N128', x: [32, 14, 14, 128], k: 64, pad: 1, dilation: 1 },
  { name: 'cnn2 conv 32→32 29² p0 N128', x: [32, 29, 29, 128], k: 32, pad: 0, dilation: 1 },
  { name: 'cnn2 conv 64→64 27² p0 N128', x: [64, 27, 27, 128], k: 64, pad: 0, dilation: 1 },
  { name: 'cnn2 conv 128→128 25² p0 N128', x: [128, 25, 25, 128], k: 128, pad: 0, dilation: 1 },
  { name: 'cnn2 conv 128→2 23² p0 N128', x: [128, 23, 23, 128], k: 2, pad: 0, dilation: 1 },
  { name: 'resnet18 64→64 16² N32', x: [64, 16, 16, 32], k: 64, pad: 1, dilation: 1 },
  { name: 'resnet18 128→128 8² N32', x: [128, 8, 8, 32], k: 128, pad: 1, dilation: 1 },
  { name: 'resnet18 256→256 4² N32', x: [256, 4, 4, 32], k: 256, pad: 1, dilation: 1 },
  { name: 'resnet18 512→512 2² N32', x: [512, 2, 2, 32], k: 512, pad: 1, dilation: 1 },
];

type Pass = 'forward' | 'weightGrad' | 'inputGrad';
export type Algo = 'im2col' | 'tiled' | 'winograd' | 'direct' | 'dense';

/** Few-channel first layers, for the direct weight gradient ('direct': its forward pass is the tiled one; no input gradient: they read the data). */
export const FIRST_LAYERS: LayerCase[] = [
  { name: 'cnn1 conv1 3→32 64² d2 N128', x: [3, 64, 64, 128], k: 32, pad: 2, dilation: 2 },
  { name: 'mnist conv1 1→32 28² N128', x: [1, 28, 28, 128], k: 32, pad: 1, dilation: 1 },
  { name: 'cnn2 conv1 3→32 64² p0 N128', x: [3, 64, 64, 128], k: 32, pad: 0, dilation: 1 },
  { name: 'resnet18 stem 3→64 7×7/2 64² N32', x: [3, 64, 64, 32], k: 64, pad: 3, dilation: 1, window: 7, stride: 2 },
];

/** Layers whose window covers the whole input from every output position (ResNet-18's last stage
 *  at 64 px, 2×2, where Winograd stays; at 32 px, 1×1, and the strided conv into it), by the ways
 *  that apply. */
export const DENSE_LAYERS: { layer: LayerCase; algos: Algo[] }[] = [
  { layer: { name: 'resnet18 512→512 2² N32', x: [512, 2, 2, 32], k: 512, pad: 1, dilation: 1 }, algos: ['im2col', 'winograd', 'dense'] },
  { layer: { name: 'resnet18 512→512 1² N32', x: [512, 1, 1, 32], k: 512, pad: 1, dilation: 1 }, algos: ['im2col', 'winograd', 'dense'] },
  { layer: { name: 'resnet18 256→512 2²/2 N32', x: [256, 2, 2, 32], k: 512, pad: 1, dilation: 1, stride: 2 }, algos: ['im2col', 'dense'] },
];

/** A closure running one pass of one algorithm on pre-filled buffers. */
function runner(be: WasmBackend, g: WindowGeometry, k: number, algo: Algo, pass: Pass, b: Record<string, DeviceBuffer>): () => void {
  // The GEMM depth is C·T·R·S: the few-channel first layers include ResNet's 7×7 stem.
  const rows = g.channels * g.window[0] * g.window[1] * g.window[2], cols = g.outSize[1] * g.outSize[2] * g.batch;
  const gemm = (a: DeviceBuffer, bb: DeviceBuffer, c: DeviceBuffer, m: number, n: number, kk: number, transA: boolean, transB: boolean) =>
    be.run('gemm', { a, b: bb, c, m, n, k: kk, transA, transB, alpha: 1, beta: 0 });
  if (algo === 'im2col') {
    if (pass === 'forward') return () => { be.run('im2col', { x: b.x, cols: b.cols, g }); gemm(b.w, b.cols, b.y, k, cols, rows, false, false); };
    if (pass === 'weightGrad') return () => { be.run('im2col', { x: b.x, cols: b.cols, g }); gemm(b.y, b.cols, b.w, k, rows, cols, false, true); };
    return () => { gemm(b.w, b.y, b.cols, rows, cols, k, true, false); be.run('col2im', { cols: b.cols, dx: b.x, g }); };
  }
  const names = CONV_PASS_KERNELS[algo === 'tiled' ? 'column-free' : algo];
  if (pass === 'forward') return () => be.run(names.forward, { x: b.x, w: b.w, y: b.y, g, k, scale: null, shift: null, slope: null });
  if (pass === 'weightGrad') return () => be.run(names.weightGrad, { x: b.x, dy: b.y, dw: b.w, g, k });
  return () => be.run(names.inputGrad, { dy: b.y, w: b.w, dx: b.x, g, k });
}

/** ms: median wall time; cpuMs: median CPU time of the process (every thread; on a machine shared
 *  with other processes, the steadier measure of one thread's work). */
export interface LayerTiming { layer: LayerCase; pass: Pass; algo: Algo; ms: number; cpuMs: number; gflops: number }

/** Median ms of each (pass, algorithm) of one layer, measured round-robin over `rounds`. */
export function timeLayer(
  be: WasmBackend, c: LayerCase, rounds: number, algos: Algo[] = ['im2col', 'tiled', 'winograd'],
  passes: Pass[] = ['forward', 'weightGrad', 'inputGrad'],
): LayerTiming[] {
  const win = c.window ?? 3;
  const g = windowGeometry('bench', c.x, [win, win], { pad: c.pad, dilation: c.dilation, stride: c.stride ?? 1 }, false);
  const rows = c.x[0] * win * win, cols = g.outSize[1] * g.outSize[2] * c.x[3];
  const sizes = { x: c.x.reduce((a, b) => a * b, 1), w: c.k * rows, y: c.k * cols, cols: rows * cols };
  const b: Record<string, DeviceBuffer> = {};
  for (const [name, n] of Object.entries(sizes)) {
    b[name] = be.alloc(n);
    if (name !== 'cols') be.write(b[name], benchValues(n, n));
  }
  const jobs: { pass: Pass; algo: Algo; run: () => void; times: number[]; cpu: number[] }[] = [];
  for (const pass of passes) {
    for (const algo of algos) jobs.push({ pass, algo, run: runner(be, g, c.k, algo, pass, b), times: [], cpu: [] });
  }
  for (const j of jobs) j.run(); // warm-up (tier-up, scratch growth)
  for (let r = 0; r < rounds; r++) {
    for (const j of jobs) {
      const t = performance.now(), u = process.cpuUsage();
      j.run();
      j.times.push(performance.now() - t);
      const d = process.cpuUsage(u);
      j.cpu.push((d.user + d.system) / 1000);
    }
  }
  for (const buf of Object.values(b)) be.dispose(buf);
  const flops = 2 * c.k * rows * cols;
  const median = (v: number[]) => v.sort((p, q) => p - q)[v.length >> 1];
  return jobs.map((j) => {
    const ms = median(j.times);
    return { layer: c, pass: j.pass, algo: j.algo, ms, cpuMs: median(j.cpu), gflops: flops / (ms * 1e6) };
  });
}

export const convAlgosSuite: Suite = {
  name: 'algos',
  async run() {
    const threads = process.env.ARGON_THREADS ? Number(process.env.ARGON_THREADS) : undefined;
    const be = await createWasmBackend({ threads });
    const rows: Row[] = [];
    const timings = [
      ...LAYERS.flatMap((c) => timeLayer(be, c, 5)),
      ...FIRST_LAYERS.flatMap((c) => timeLayer(be, c, 5, ['im2col', 'tiled', 'direct'], ['forward', 'weightGrad'])),
      ...DENSE_LAYERS.flatMap((d) => timeLayer(be, d.layer, 5, d.algos)),
    ];
    for (const t of timings) {
      rows.push({ case: `${t.layer.name} ${t.pass} ${t.algo} (${be.threads} thr)`, value: t.ms, unit: `ms (${t.gflops.toFixed(1)} GFLOP/s direct-equivalent)` });
    }
    await be.close();
    return rows;
  },
};
