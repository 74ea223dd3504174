// Kernel-level cases for comparing a backend with ref-f64, runnable anywhere (no test runner
// inside): the in-page suite (suite.ts) runs them on the webgl backend in Chromium. Inputs are
// rounded to float32 so both sides see identical values (and identical max-pooling ties).
import type { Backend, BufferKind, DeviceBuffer } from '../../src/backends/backend.ts';
import type { KernelArgs, KernelName, PoolMode, WindowGeometry } from '../../src/kernels.ts';
import { randomArray } from '../helpers.ts';

export type Init = ArrayLike<number> | { ints: ArrayLike<number> } | { size: number; kind?: BufferKind };

/** One kernel call (or a few: `steps`), on buffers made from `buffers`, then `check` read back. */
export interface KernelCase<K extends KernelName = KernelName> {
  kernel: K;
  label: string;
  buffers: Record<string, Init>;
  args: (b: Record<string, DeviceBuffer>, step: number) => KernelArgs<DeviceBuffer>[K];
  check: string[];
  steps?: number;
  /** Kernels to run on the same buffers before the checked one (a backward's forward). */
  before?: (be: Backend, b: Record<string, DeviceBuffer>) => void;
}

const rand = (n: number, seed: number, lo = -1, hi = 1): Float64Array => randomArray(n, seed, lo, hi).map(Math.fround);

function upload(be: Backend, init: Init): DeviceBuffer {
  if ('length' in init) {
    const buf = be.alloc(init.length);
    be.write(buf, init);
    return buf;
  }
  if ('ints' in init) {
    const buf = be.alloc(init.ints.length, 'int32');
    be.write(buf, init.ints);
    return buf;
  }
  const kind = init.kind ?? 'float';
  const buf = be.alloc(init.size, kind);
  // The same junk on both sides: a kernel that fails to overwrite its output is caught.
  be.write(buf, kind === 'int32' ? new Array<number>(init.size).fill(77) : rand(init.size, 987, -50, 50));
  return buf;
}

export const isIntBuffer = (init: Init): boolean => 'ints' in init || ('size' in init && init.kind === 'int32');

/** Runs a case and returns the checked buffers; frees everything it allocated. */
export function runKernelCase<K extends KernelName>(be: Backend, c: KernelCase<K>): Record<string, number[]> {
  const bufs: Record<string, DeviceBuffer> = {};
  try {
    for (const [name, init] of Object.entries(c.buffers)) bufs[name] = upload(be, init);
    c.before?.(be, bufs);
    for (let s = 0; s < (c.steps ?? 1); s++) be.run(c.kernel, c.args(bufs, s));
    const out: Record<string, number[]> = {};
    for (const name of c.check) out[name] = Array.from(be.read(bufs[name]));
    return out;
  } finally {
    for (const buf of Object.values(bufs)) be.dispose(buf);
  }
}

type V = number[];
function geometry(channels: number, batch: number, inSize: V, window: V, o: { stride?: V; pad?: V; dilation?: V } = {}): WindowGeometry {
  const lift = (v: V | undefined, fill: number): [number, number, number] => {
    const l = [fill, fill, fill, ...(v ?? new Array<number>(inSize.length).fill(fill))].slice(-3);
    return [l[0], l[1], l[2]];
  };
  const g: WindowGeometry = {
    channels, batch, inSize: lift(inSize, 1), window: lift(window, 1), stride: lift(o.stride, 1),
    pad: lift(o.pad, 0), dilation: lift(o.dilation, 1), outSize: [1, 1, 1],
  };
  for (let i = 0; i < 3; i++) {
    g.outSize[i] = Math.floor((g.inSize[i] + 2 * g.pad[i] - (g.dilation[i] * (g.window[i] - 1) + 1)) / g.stride[i]) + 1;
  }
  return g;
}
const prod = (v: readonly number[]): number => v.reduce((a, b) => a * b, 1);
const inLen = (g: WindowGeometry): number => g.channels * prod(g.inSize) * g.batch;
const outLen = (g: WindowGeometry): number => g.channels * prod(g.outSize) * g.batch;
const colLen = (g: WindowGeometry): number => g.channels * prod(g.window) * prod(g.outSize) * g.batch;
const desc = (g: WindowGeometry): string =>
  `C${g.channels} N${g.batch} ${g.inSize.join('x')} k${g.window.join('x')} s${g.stride.join('x')} p${g.pad.join('x')} d${g.dilation.join('x')}`;

const cases: KernelCase[] = [];
function add<K extends KernelName>(c: KernelCase<K>): void {
  cases.push(c as unknown as KernelCase);
}

// ---- gemm: every transpose, odd sizes, alpha/beta, beta = 0 over NaN ----
// [5, 3, 4099] and [2, 6, 3000] take the split-K path (long sums over few outputs).
for (const [m, n, k] of [[3, 5, 7], [1, 1, 1], [17, 9, 33], [2, 40, 3], [5, 3, 4099], [2, 6, 3000]]) {
  for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]]) {
    add({
      kernel: 'gemm', label: `${m}×${n}×${k} transA=${tA} transB=${tB}`,
      buffers: { a: rand(m * k, m + 3 * k), b: rand(k * n, n + 5 * k), c: { size: m * n } },
      args: (b) => ({ a: b.a, b: b.b, c: b.c, m, n, k, transA: tA, transB: tB, alpha: 0.75, beta: 0 }), check: ['c'],
    });
  }
}
add({
  kernel: 'gemm', label: '4×6×5 alpha 2 beta 0.5', buffers: { a: rand(20, 1), b: rand(30, 2), c: rand(24, 3) },
  args: (b) => ({ a: b.a, b: b.b, c: b.c, m: 4, n: 6, k: 5, transA: false, transB: true, alpha: 2, beta: 0.5 }), check: ['c'],
});
add({
  kernel: 'gemm', label: '3×4×2500 split-K with alpha 0.5 beta −1', buffers: { a: rand(7500, 6), b: rand(10000, 7), c: rand(12, 8) },
  args: (b) => ({ a: b.a, b: b.b, c: b.c, m: 3, n: 4, k: 2500, transA: false, transB: true, alpha: 0.5, beta: -1 }), check: ['c'],
});
add({
  kernel: 'gemm', label: '2×2×3000 split-K, beta 0 ignores NaN in C', buffers: { a: rand(6000, 9), b: rand(6000, 10), c: [NaN, NaN, NaN, NaN] },
  args: (b) => ({ a: b.a, b: b.b, c: b.c, m: 2, n: 2, k: 3000, transA: true, transB: false, alpha: 1, beta: 0 }), check: ['c'],
});
add({
  kernel: 'gemm', label: '2×2×3 beta 0 ignores NaN in C', buffers: { a: rand(6, 4), b: rand(6, 5), c: [NaN, NaN, NaN, NaN] },
  args: (b) => ({ a: b.a, b: b.b, c: b.c, m: 2, n: 2, k: 3, transA: false, transB: false, alpha: 1, beta: 0 }), check: ['c'],
});

// ---- im2col / col2im ----
const WINDOWS: WindowGeometry[] = [
  geometry(1, 1, [7], [3]),
  geometry(3, 5, [10], [3], { stride: [2], pad: [1], dilation: [2] }),
  geometry(3, 3, [6, 7], [3, 3], { pad: [1, 1] }),
  geometry(2, 3, [7, 6], [2, 2], { stride: [3, 3] }),
  geometry(3, 1, [6, 6], [3, 3], { pad: [2, 2], dilation: [2, 2] }),
  geometry(2, 4, [5, 5], [3, 2], { stride: [2, 1], pad: [1, 2] }),
  geometry(2, 3, [4, 5, 5], [3, 3, 3], { pad: [1, 1, 1] }),
  geometry(1, 5, [5, 4, 6], [2, 3, 2], { stride: [2, 1, 3], pad: [1, 0, 1], dilation: [1, 2, 1] }),
];
WINDOWS.forEach((g, i) => {
  add({
    kernel: 'im2col', label: desc(g), buffers: { x: rand(inLen(g), 100 + i), cols: { size: colLen(g) } },
    args: (b) => ({ x: b.x, cols: b.cols, g }), check: ['cols'],
  });
  add({
    kernel: 'col2im', label: desc(g), buffers: { cols: rand(colLen(g), 200 + i), dx: { size: inLen(g) } },
    args: (b) => ({ cols: b.cols, dx: b.dx, g }), check: ['dx'],
  });
});

// ---- column-free convolution (the webgl backend's implicit GEMM; batch not a multiple of 4 falls
// back to im2col + GEMM): channels and filters not multiples of 4 or 8, padding 0/1/2, stride
// 2 and stride > window, dilation 2, 1×1, 1D and 3D, with and without the inference epilogue ----
const CONVS: [WindowGeometry, number][] = [
  [geometry(3, 4, [9, 8], [3, 3], { pad: [1, 1] }), 6],
  [geometry(5, 8, [7, 7], [3, 3], { stride: [2, 2], pad: [2, 2], dilation: [2, 2] }), 9],
  [geometry(4, 4, [6, 5], [1, 1], { stride: [2, 2] }), 16],
  [geometry(2, 12, [8, 6], [2, 3], { stride: [3, 3] }), 3],
  [geometry(3, 3, [6, 7], [3, 3], { pad: [1, 1] }), 5],
  [geometry(2, 1, [5, 5], [3, 3]), 4],
  [geometry(3, 4, [11], [5], { pad: [2], dilation: [2] }), 7],
  [geometry(2, 4, [3, 5, 4], [2, 3, 3], { pad: [1, 1, 1] }), 10],
  [geometry(9, 8, [5, 5], [3, 3], { pad: [1, 1] }), 12],
];
CONVS.forEach(([g, k], i) => {
  const rows = g.channels * prod(g.window), yLen = k * prod(g.outSize) * g.batch;
  add({
    kernel: 'convForward', label: `${desc(g)} K${k}`,
    buffers: { x: rand(inLen(g), 600 + i), w: rand(k * rows, 610 + i), y: { size: yLen } },
    args: (b) => ({ x: b.x, w: b.w, y: b.y, g, k, scale: null, shift: null, slope: null }), check: ['y'],
  });
  add({
    kernel: 'convForward', label: `${desc(g)} K${k} scale, shift, Rectlin 0.1`,
    buffers: { x: rand(inLen(g), 620 + i), w: rand(k * rows, 630 + i), y: { size: yLen }, scale: rand(k, 640 + i, 0.5, 2), shift: rand(k, 650 + i) },
    args: (b) => ({ x: b.x, w: b.w, y: b.y, g, k, scale: b.scale, shift: b.shift, slope: 0.1 }), check: ['y'],
  });
  add({
    kernel: 'convForward', label: `${desc(g)} K${k} shift only, Rectlin 0`,
    buffers: { x: rand(inLen(g), 660 + i), w: rand(k * rows, 670 + i), y: { size: yLen }, shift: rand(k, 680 + i) },
    args: (b) => ({ x: b.x, w: b.w, y: b.y, g, k, scale: null, shift: b.shift, slope: 0 }), check: ['y'],
  });
  add({
    kernel: 'convWeightGrad', label: `${desc(g)} K${k}`,
    buffers: { x: rand(inLen(g), 690 + i), dy: rand(yLen, 700 + i), dw: { size: k * rows } },
    args: (b) => ({ x: b.x, dy: b.dy, dw: b.dw, g, k }), check: ['dw'],
  });
  add({
    kernel: 'convInputGrad', label: `${desc(g)} K${k}`,
    buffers: { dy: rand(yLen, 710 + i), w: rand(k * rows, 720 + i), dx: { size: inLen(g) } },
    args: (b) => ({ dy: b.dy, w: b.w, dx: b.dx, g, k }), check: ['dx'],
  });
});

// ---- pooling: every mode, padding, global, 1D/3D, ties, l2 windows of zeros ----
const POOLS: WindowGeometry[] = [
  geometry(3, 5, [7, 8], [3, 3], { stride: [2, 2], pad: [1, 1] }),
  geometry(2, 3, [6, 6], [2, 2], { stride: [2, 2] }),
  geometry(3, 5, [4, 5], [4, 5], { stride: [4, 5] }),
  geometry(1, 1, [9], [3], { pad: [1] }),
  geometry(2, 3, [3, 4, 4], [2, 2, 2], { pad: [1, 1, 1] }),
  geometry(1, 8, [7, 7], [3, 3], { stride: [2, 2], pad: [2, 2] }),
  geometry(2, 3, [7, 7], [2, 3], { stride: [1, 2], pad: [1, 1], dilation: [2, 1] }),
];
interface PoolVariant { mode: PoolMode; p?: number; sigma?: number }
const VARIANTS: PoolVariant[] = [
  { mode: 'max' }, { mode: 'avg' }, { mode: 'l2' },
  { mode: 'lp', p: 3 }, { mode: 'lp', p: 1.5 }, { mode: 'lp', p: 2 }, { mode: 'weighted', sigma: 0.8 },
];
const vname = (v: PoolVariant): string => v.mode + (v.p !== undefined ? ` p=${v.p}` : '') + (v.sigma !== undefined ? ` σ=${v.sigma}` : '');
POOLS.forEach((g, i) => {
  for (const v of VARIANTS) {
    const { mode, p, sigma } = v;
    for (const ties of mode === 'max' ? [false, true] : [false]) {
      const x = ties ? rand(inLen(g), 300 + i, 0, 3).map(Math.floor) : rand(inLen(g), 300 + i);
      // Channel 0 all zero: l2/lp windows with y = 0 exactly.
      if (mode === 'l2' || mode === 'lp') x.fill(0, 0, inLen(g) / g.channels);
      const name = `${desc(g)} ${vname(v)}${ties ? ' ties' : ''}`;
      add({
        kernel: 'poolForward', label: name, buffers: { x, y: { size: outLen(g) }, argmax: { size: outLen(g), kind: 'int32' } },
        args: (b) => ({ x: b.x, y: b.y, argmax: mode === 'max' ? b.argmax : null, g, mode, p, sigma }),
        check: mode === 'max' ? ['y', 'argmax'] : ['y'],
      });
      // Backward from the forward's own y and argmax, computed on each backend first.
      for (const saved of mode === 'max' ? [true, false] : [true]) {
        add({
          kernel: 'poolBackward', label: `${name}${saved ? '' : ' (argmax recomputed)'}`,
          buffers: { x, y: { size: outLen(g) }, argmax: { size: outLen(g), kind: 'int32' }, dy: rand(outLen(g), 400 + i), dx: { size: inLen(g) } },
          before: (be, b) => be.run('poolForward', { x: b.x, y: b.y, argmax: mode === 'max' ? b.argmax : null, g, mode, p, sigma }),
          args: (b) => ({ x: b.x, y: b.y, dy: b.dy, argmax: mode === 'max' && saved ? b.argmax : null, dx: b.dx, g, mode, p, sigma }),
          check: ['dx'],
        });
      }
    }
  }
});

// ---- per-channel ----
add({
  kernel: 'biasAdd', label: 'C3 inner 10', buffers: { x: rand(30, 1), bias: rand(3, 2), y: { size: 30 } },
  args: (b) => ({ x: b.x, bias: b.bias, y: b.y, channels: 3, inner: 10 }), check: ['y'],
});
add({
  kernel: 'biasAdd', label: 'C4 inner 5 in place', buffers: { x: rand(20, 3), bias: rand(4, 4) },
  args: (b) => ({ x: b.x, bias: b.bias, y: b.x, channels: 4, inner: 5 }), check: ['x'],
});
for (const [C, inner] of [[3, 10], [2, 1000], [5, 1]]) {
  add({
    kernel: 'biasGrad', label: `C${C} inner ${inner}`, buffers: { dy: rand(C * inner, C + inner), db: { size: C } },
    args: (b) => ({ dy: b.dy, db: b.db, channels: C, inner }), check: ['db'],
  });
}

// ---- elementwise: sizes around 1 and long; n shorter than the buffer keeps the tail ----
for (const n of [1, 7, 1001]) {
  const x = rand(n + 3, n + 1), y = rand(n + 3, n + 2, -3, 3);
  add({ kernel: 'axpby', label: `n=${n}`, buffers: { x, y, out: { size: n + 3 } }, args: (b) => ({ x: b.x, y: b.y, out: b.out, n, a: 0.75, b: -1.5 }), check: ['out'] });
  add({ kernel: 'axpby', label: `n=${n} out aliases y`, buffers: { x, y }, args: (b) => ({ x: b.x, y: b.y, out: b.y, n, a: 2, b: 0.3 }), check: ['y'] });
  add({ kernel: 'mul', label: `n=${n} out aliases x`, buffers: { x, y }, args: (b) => ({ x: b.x, y: b.y, out: b.x, n }), check: ['x'] });
  add({ kernel: 'scale', label: `n=${n}`, buffers: { x, out: { size: n + 3 } }, args: (b) => ({ x: b.x, out: b.out, n, alpha: -0.37 }), check: ['out'] });
  add({ kernel: 'copy', label: `n=${n} offsets`, buffers: { x: rand(n + 3, 13), out: { size: n + 6 } }, args: (b) => ({ x: b.x, out: b.out, n, xOffset: 3, outOffset: 5 }), check: ['out'] });
  add({ kernel: 'copy', label: `n=${n} within one buffer`, buffers: { x: rand(2 * n + 1, 14) }, args: (b) => ({ x: b.x, out: b.x, n, xOffset: 0, outOffset: n + 1 }), check: ['x'] });
  add({ kernel: 'fill', label: `n=${n} tail untouched`, buffers: { x: rand(n + 5, 9) }, args: (b) => ({ x: b.x, n, value: 2.5 }), check: ['x'] });
  add({ kernel: 'clip', label: `n=${n} in place`, buffers: { y }, args: (b) => ({ x: b.y, out: b.y, n, limit: 0.5 }), check: ['y'] });
}
for (const n of [1, 7, 257, 100003]) {
  add({ kernel: 'sum', label: `n=${n}`, buffers: { x: rand(n, 7 * n, -1, 1.02), out: { size: 3 } }, args: (b) => ({ x: b.x, out: b.out, n }), check: ['out'] });
  add({ kernel: 'sumSquares', label: `n=${n}`, buffers: { x: rand(n, 5 * n), out: { size: 1 } }, args: (b) => ({ x: b.x, out: b.out, n }), check: ['out'] });
}

// ---- activations: mixed signs, large magnitudes, exact zeros in y ----
const act = Float64Array.from([...rand(13, 31, -4, 4), 0, 50, -50, 1e-3, -1e-3, 20, -20]);
const actY = Float64Array.from([...rand(13, 32, -1, 1), 0, 0.5, -0.5, 1e-3, -1e-3, 0.9, -0.9]);
const dyA = rand(act.length, 33);
const len = act.length;
add({ kernel: 'rectlin', label: 'slope 0.1', buffers: { x: act, y: { size: len } }, args: (b) => ({ x: b.x, y: b.y, n: len, slope: 0.1 }), check: ['y'] });
add({ kernel: 'rectlinGrad', label: 'slope 0.1', buffers: { y: actY, dy: dyA, dx: { size: len } }, args: (b) => ({ y: b.y, dy: b.dy, dx: b.dx, n: len, slope: 0.1 }), check: ['dx'] });
add({ kernel: 'explin', label: 'alpha 1.5', buffers: { x: act, y: { size: len } }, args: (b) => ({ x: b.x, y: b.y, n: len, alpha: 1.5 }), check: ['y'] });
add({ kernel: 'explinGrad', label: 'alpha 1.5', buffers: { y: actY, dy: dyA, dx: { size: len } }, args: (b) => ({ y: b.y, dy: b.dy, dx: b.dx, n: len, alpha: 1.5 }), check: ['dx'] });
add({ kernel: 'logistic', label: '±50', buffers: { x: act, y: { size: len } }, args: (b) => ({ x: b.x, y: b.y, n: len }), check: ['y'] });
add({ kernel: 'logisticGrad', label: '', buffers: { y: actY.map(Math.abs), dy: dyA, dx: { size: len } }, args: (b) => ({ y: b.y, dy: b.dy, dx: b.dx, n: len }), check: ['dx'] });
add({ kernel: 'tanh', label: '±50 and near 0', buffers: { x: act }, args: (b) => ({ x: b.x, y: b.x, n: len }), check: ['x'] });
add({ kernel: 'tanhGrad', label: '', buffers: { y: actY, dy: dyA, dx: { size: len } }, args: (b) => ({ y: b.y, dy: b.dy, dx: b.dx, n: len }), check: ['dx'] });
for (const [classes, batch] of [[5, 3], [10, 16], [2, 1]]) {
  add({
    kernel: 'softmax', label: `${classes} classes × ${batch}`, buffers: { x: rand(classes * batch, classes, -30, 30), y: { size: classes * batch } },
    args: (b) => ({ x: b.x, y: b.y, classes, batch }), check: ['y'],
  });
  const p = rand(classes * batch, 3 + classes, 0.01, 1);
  add({
    kernel: 'softmaxGrad', label: `${classes} classes × ${batch}`, buffers: { y: p, dy: rand(classes * batch, 4), dx: { size: classes * batch } },
    args: (b) => ({ y: b.y, dy: b.dy, dx: b.dx, classes, batch }), check: ['dx'],
  });
}

// ---- batch norm: short rows and rows long enough for the chunked reduction ----
for (const [C, inner] of [[3, 24], [2, 1000]]) {
  add({
    kernel: 'batchNormTrain', label: `C${C} inner ${inner}, 2 steps`, steps: 2,
    buffers: {
      x: rand(C * inner, C * inner, -2, 3), gamma: rand(C, 5, 0.5, 1.5), beta: rand(C, 6), y: { size: C * inner },
      mean: { size: C }, invStd: { size: C }, runMean: rand(C, 7), runVar: rand(C, 8, 0.5, 2),
    },
    args: (b) => ({ x: b.x, gamma: b.gamma, beta: b.beta, y: b.y, mean: b.mean, invStd: b.invStd, runMean: b.runMean, runVar: b.runVar, channels: C, inner, rho: 0.9, eps: 1e-3 }),
    check: ['y', 'mean', 'invStd', 'runMean', 'runVar'],
  });
  add({
    kernel: 'batchNormInfer', label: `C${C} inner ${inner}`,
    buffers: { x: rand(C * inner, 9), gamma: rand(C, 10, 0.5, 1.5), beta: rand(C, 11), runMean: rand(C, 12), runVar: rand(C, 13, 0.5, 2), y: { size: C * inner } },
    args: (b) => ({ x: b.x, gamma: b.gamma, beta: b.beta, runMean: b.runMean, runVar: b.runVar, y: b.y, channels: C, inner, eps: 1e-3 }), check: ['y'],
  });
  add({
    kernel: 'batchNormGrad', label: `C${C} inner ${inner}`,
    buffers: {
      x: rand(C * inner, 14), dy: rand(C * inner, 15), gamma: rand(C, 16, 0.5, 1.5), mean: rand(C, 17, -0.1, 0.1), invStd: rand(C, 18, 0.8, 1.6),
      dx: { size: C * inner }, dgamma: { size: C }, dbeta: { size: C },
    },
    args: (b) => ({ x: b.x, dy: b.dy, gamma: b.gamma, mean: b.mean, invStd: b.invStd, dx: b.dx, dgamma: b.dgamma, dbeta: b.dbeta, channels: C, inner }),
    check: ['dx', 'dgamma', 'dbeta'],
  });
}

// ---- optimizers, several steps so state feeds back ----
const P = 37;
for (const [momentum, nesterov] of [[0, false], [0.9, false], [0.9, true]] as const) {
  add({
    kernel: 'sgdUpdate', label: `momentum ${momentum}${nesterov ? ' nesterov' : ''}`, steps: 3,
    buffers: { w: rand(P, 40), g: rand(P, 41), v: rand(P, 42, -0.1, 0.1) },
    args: (b) => ({ w: b.w, g: b.g, v: b.v, n: P, lr: 0.05, momentum, wdecay: 5e-4, gradScale: 1 / 8, nesterov }),
    check: momentum === 0 ? ['w'] : ['w', 'v'],
  });
}
add({
  kernel: 'adamUpdate', label: '3 steps', steps: 3, buffers: { w: rand(P, 43), g: rand(P, 44), m: { size: P }, v: rand(P, 45, 0, 0.01) },
  args: (b, s) => ({ w: b.w, g: b.g, m: b.m, v: b.v, n: P, lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, gradScale: 0.5, step: s + 1 }),
  check: ['w', 'm', 'v'],
});
add({
  kernel: 'adagradUpdate', label: '3 steps', steps: 3, buffers: { w: rand(P, 46), g: rand(P, 47), acc: rand(P, 48, 0, 0.1) },
  args: (b) => ({ w: b.w, g: b.g, acc: b.acc, n: P, lr: 0.1, eps: 1e-6, gradScale: 0.25 }), check: ['w', 'acc'],
});
add({
  kernel: 'rmspropUpdate', label: '3 steps', steps: 3, buffers: { w: rand(P, 49), g: rand(P, 50), m: rand(P, 51, 0, 0.1) },
  args: (b) => ({ w: b.w, g: b.g, m: b.m, n: P, lr: 1e-3, decay: 0.9, eps: 1e-6, gradScale: 1 }), check: ['w', 'm'],
});

export const KERNEL_CASES: readonly KernelCase[] = cases;

/** Texture size limit for LIMIT_CASES: a backend made with maxTextureSize 64 holds at most
 *  64·64·4 = 16,384 values per buffer, so these buffers come within a few percent of it. */
export const LIMIT_TEXTURE = 64;
const limitCases: KernelCase[] = [];
{
  const push = <K extends KernelName>(c: KernelCase<K>): void => { limitCases.push(c as unknown as KernelCase); };
  for (const [tA, tB] of [[false, false], [true, true]]) {
    push({
      kernel: 'gemm', label: `60×256×63 transA=${tA} transB=${tB} (B 16,128 values)`,
      buffers: { a: rand(60 * 63, 801), b: rand(63 * 256, 802), c: { size: 60 * 256 } },
      args: (b) => ({ a: b.a, b: b.b, c: b.c, m: 60, n: 256, k: 63, transA: tA, transB: tB, alpha: 1, beta: 0 }), check: ['c'],
    });
  }
  const g = geometry(4, 4, [31, 31], [3, 3], { pad: [1, 1] }); // x and y: 15,376 values
  push({
    kernel: 'convForward', label: `${desc(g)} K4`, buffers: { x: rand(inLen(g), 803), w: rand(4 * 36, 804), y: { size: outLen(g) } },
    args: (b) => ({ x: b.x, w: b.w, y: b.y, g, k: 4, scale: null, shift: null, slope: null }), check: ['y'],
  });
  push({
    kernel: 'convWeightGrad', label: `${desc(g)} K4`, buffers: { x: rand(inLen(g), 805), dy: rand(outLen(g), 806), dw: { size: 4 * 36 } },
    args: (b) => ({ x: b.x, dy: b.dy, dw: b.dw, g, k: 4 }), check: ['dw'],
  });
  push({
    kernel: 'convInputGrad', label: `${desc(g)} K4`, buffers: { dy: rand(outLen(g), 807), w: rand(4 * 36, 808), dx: { size: inLen(g) } },
    args: (b) => ({ dy: b.dy, w: b.w, dx: b.dx, g, k: 4 }), check: ['dx'],
  });
  const pg = geometry(4, 4, [31, 31], [3, 3], { stride: [2, 2], pad: [1, 1] });
  push({
    kernel: 'poolBackward', label: `${desc(pg)} max`,
    buffers: { x: rand(inLen(pg), 809), y: { size: outLen(pg) }, argmax: { size: outLen(pg), kind: 'int32' }, dy: rand(outLen(pg), 810), dx: { size: inLen(pg) } },
    before: (be, b) => be.run('poolForward', { x: b.x, y: b.y, argmax: b.argmax, g: pg, mode: 'max' }),
    args: (b) => ({ x: b.x, y: b.y, dy: b.dy, argmax: b.argmax, dx: b.dx, g: pg, mode: 'max' }), check: ['dx'],
  });
  push({
    kernel: 'batchNormTrain', label: 'C4 inner 4,000',
    buffers: {
      x: rand(16000, 811, -2, 3), gamma: rand(4, 812, 0.5, 1.5), beta: rand(4, 813), y: { size: 16000 },
      mean: { size: 4 }, invStd: { size: 4 }, runMean: rand(4, 814), runVar: rand(4, 815, 0.5, 2),
    },
    args: (b) => ({ x: b.x, gamma: b.gamma, beta: b.beta, y: b.y, mean: b.mean, invStd: b.invStd, runMean: b.runMean, runVar: b.runVar, channels: 4, inner: 4000, rho: 0.9, eps: 1e-3 }),
    check: ['y', 'mean', 'invStd', 'runMean', 'runVar'],
  });
}
export const LIMIT_CASES: readonly KernelCase[] = limitCases;
