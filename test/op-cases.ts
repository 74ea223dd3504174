// Every differentiable op on awkward shapes, as (inputs, f) cases shared by the float64 gradient
// check (ops-grad.test.ts) and the cross-backend comparison (ops-backends.test.ts).
import type { Backend } from '../src/backends/backend.ts';
import * as ops from '../src/ops/index.ts';
import { withColumnFreeConv } from '../src/ops/conv.ts';
import { withConvAlgorithm } from '../src/ops/conv-plan.ts';
import { Random } from '../src/random.ts';
import { Tensor } from '../src/tensor.ts';
import { randomArray } from './helpers.ts';

export interface InputSpec {
  shape: number[];
  /** Values drawn from [lo, hi); default [−1, 1). */
  lo?: number; hi?: number;
  /** Keep values at least this far from 0 (kinks of rectlin, ties of max pooling). */
  awayFromZero?: number;
  /** A constant (no gradient), e.g. targets. */
  constant?: boolean;
  /** Fixed values instead of random ones. */
  values?: number[];
}

export interface OpCase { name: string; inputs: InputSpec[]; f: (xs: Tensor[]) => Tensor }

export function makeInputs(backend: Backend, specs: InputSpec[], seed: number): Tensor[] {
  return specs.map((s, i) => {
    const n = s.shape.reduce((a, b) => a * b, 1);
    let v: ArrayLike<number>;
    if (s.values) v = s.values;
    else {
      const r = randomArray(n, seed * 101 + i, s.lo ?? -1, s.hi ?? 1);
      const away = s.awayFromZero;
      if (away) for (let j = 0; j < n; j++) r[j] = Math.sign(r[j] || 1) * (away + Math.abs(r[j]));
      v = r;
    }
    return Tensor.fromArray(backend, v, s.shape, { requiresGrad: !s.constant });
  });
}

/** One-hot targets [classes, batch] as fixed values. */
function oneHot(classes: number, labels: number[]): number[] {
  const out = new Array<number>(classes * labels.length).fill(0);
  labels.forEach((l, n) => { out[l * labels.length + n] = 1; });
  return out;
}

const bnState = (backend: Backend, c: number) => ({
  runMean: Tensor.zeros(backend, [c]),
  runVar: Tensor.zeros(backend, [c]),
});

export const OP_CASES: OpCase[] = [
  ...([[false, false], [true, false], [false, true], [true, true]] as const).map(([transA, transB]): OpCase => ({
    name: `matmul transA=${transA} transB=${transB} (3×5 · 5×7)`,
    inputs: [{ shape: transA ? [5, 3] : [3, 5] }, { shape: transB ? [7, 5] : [5, 7] }],
    f: ([a, b]) => ops.matmul(a, b, { transA, transB }),
  })),
  { name: 'conv 1d stride 2 pad 1 (C2 W7 N3, K3 S3)', inputs: [{ shape: [2, 7, 3] }, { shape: [3, 2, 3] }],
    f: ([x, w]) => ops.conv(x, w, { stride: 2, pad: 1 }) },
  { name: 'conv 2d course: 3×3 pad 2 dilation 2 (C3 6×5 N2, K4)', inputs: [{ shape: [3, 6, 5, 2] }, { shape: [4, 3, 3, 3] }],
    f: ([x, w]) => ops.conv(x, w, { pad: 2, dilation: 2 }) },
  { name: 'conv 2d stride 3 > kernel 2, per-dim pad [1, 0] (C2 7×8 N1, K2)', inputs: [{ shape: [2, 7, 8, 1] }, { shape: [2, 2, 2, 2] }],
    f: ([x, w]) => ops.conv(x, w, { stride: 3, pad: [1, 0] }) },
  { name: 'conv 2d 1×1 pointwise (C5 3×3 N3, K2)', inputs: [{ shape: [5, 3, 3, 3] }, { shape: [2, 5, 1, 1] }],
    f: ([x, w]) => ops.conv(x, w) },
  { name: 'conv 2d 1×1 stride 2 (C3 5×5 N2, K2)', inputs: [{ shape: [3, 5, 5, 2] }, { shape: [2, 3, 1, 1] }],
    f: ([x, w]) => ops.conv(x, w, { stride: 2 }) },
  { name: 'conv 3d 2×2×2 pad 1 (C2 3×3×4 N2, K2)', inputs: [{ shape: [2, 3, 3, 4, 2] }, { shape: [2, 2, 2, 2, 2] }],
    f: ([x, w]) => ops.conv(x, w, { pad: 1 }) },
  // The same convolutions without a column matrix (tiled kernels where the backend has them).
  { name: 'conv column-free 1d stride 2 pad 1 (C2 W7 N3, K3 S3)', inputs: [{ shape: [2, 7, 3] }, { shape: [3, 2, 3] }],
    f: ([x, w]) => withColumnFreeConv(() => ops.conv(x, w, { stride: 2, pad: 1 })) },
  { name: 'conv column-free 2d 3×3 pad 2 dilation 2 (C3 6×5 N2, K4)', inputs: [{ shape: [3, 6, 5, 2] }, { shape: [4, 3, 3, 3] }],
    f: ([x, w]) => withColumnFreeConv(() => ops.conv(x, w, { pad: 2, dilation: 2 })) },
  { name: 'conv column-free 2d stride 3 > kernel 2, pad [1, 0] (C2 7×8 N1, K2)', inputs: [{ shape: [2, 7, 8, 1] }, { shape: [2, 2, 2, 2] }],
    f: ([x, w]) => withColumnFreeConv(() => ops.conv(x, w, { stride: 3, pad: [1, 0] })) },
  { name: 'conv column-free 1×1 stride 2 (C3 5×5 N2, K2)', inputs: [{ shape: [3, 5, 5, 2] }, { shape: [2, 3, 1, 1] }],
    f: ([x, w]) => withColumnFreeConv(() => ops.conv(x, w, { stride: 2 })) },
  { name: 'conv column-free 3d 2×2×2 pad 1 (C2 3×3×4 N2, K2)', inputs: [{ shape: [2, 3, 3, 4, 2] }, { shape: [2, 2, 2, 2, 2] }],
    f: ([x, w]) => withColumnFreeConv(() => ops.conv(x, w, { pad: 1 })) },
  // The 3×3 stride-1 convolutions by Winograd F(2×2, 3×3) where the backend has it: the course's
  // dilated conv, padding 0, 1 and 3 (the input gradient's padding 2·d − 3 is then negative),
  // per-axis padding and dilation, batch 1, channels and filters not divisible by 4.
  { name: 'conv Winograd 2d 3×3 pad 2 dilation 2 (C3 6×5 N2, K4)', inputs: [{ shape: [3, 6, 5, 2] }, { shape: [4, 3, 3, 3] }],
    f: ([x, w]) => withConvAlgorithm('winograd', () => ops.conv(x, w, { pad: 2, dilation: 2 })) },
  { name: 'conv Winograd 2d 3×3 pad 0 (C2 5×7 N1, K3)', inputs: [{ shape: [2, 5, 7, 1] }, { shape: [3, 2, 3, 3] }],
    f: ([x, w]) => withConvAlgorithm('winograd', () => ops.conv(x, w)) },
  { name: 'conv Winograd 2d 3×3 pad 1 (C5 3×4 N5, K3)', inputs: [{ shape: [5, 3, 4, 5] }, { shape: [3, 5, 3, 3] }],
    f: ([x, w]) => withConvAlgorithm('winograd', () => ops.conv(x, w, { pad: 1 })) },
  { name: 'conv Winograd 2d 3×3 pad [3, 1] dilation [1, 2] (C2 4×6 N3, K2)', inputs: [{ shape: [2, 4, 6, 3] }, { shape: [2, 2, 3, 3] }],
    f: ([x, w]) => withConvAlgorithm('winograd', () => ops.conv(x, w, { pad: [3, 1], dilation: [1, 2] })) },
  // Windows that cover the whole input from every output position, as a dense product where the
  // backend has it: ResNet's 3×3 on a 2×2 and on a 1×1 map, a strided one from 2×2 to 1×1, 1-D.
  { name: 'conv dense 2d 3×3 pad 1 on 2×2 (C3 2×2 N3, K5)', inputs: [{ shape: [3, 2, 2, 3] }, { shape: [5, 3, 3, 3] }],
    f: ([x, w]) => withConvAlgorithm('dense', () => ops.conv(x, w, { pad: 1 })) },
  { name: 'conv dense 2d 3×3 pad 1 on 1×1 (C6 1×1 N2, K3)', inputs: [{ shape: [6, 1, 1, 2] }, { shape: [3, 6, 3, 3] }],
    f: ([x, w]) => withConvAlgorithm('dense', () => ops.conv(x, w, { pad: 1 })) },
  { name: 'conv dense 2d 3×3 stride 2 pad 1, 2×2 to 1×1 (C2 2×2 N5, K4)', inputs: [{ shape: [2, 2, 2, 5] }, { shape: [4, 2, 3, 3] }],
    f: ([x, w]) => withConvAlgorithm('dense', () => ops.conv(x, w, { stride: 2, pad: 1 })) },
  { name: 'conv dense 1d window 4 pad 2 on W3 (C3 W3 N2, K2)', inputs: [{ shape: [3, 3, 2] }, { shape: [2, 3, 4] }],
    f: ([x, w]) => withConvAlgorithm('dense', () => ops.conv(x, w, { pad: 2 })) },
  // A first layer (its input needs no gradient) with the direct weight gradient where the backend
  // has it: an odd tap count, a window with stride and padding, a batch of 4.
  { name: 'conv direct weight gradient 2d 3×2 stride [2, 1] pad 1 (C3 5×6 N4, K5)', inputs: [{ shape: [3, 5, 6, 4], constant: true }, { shape: [5, 3, 3, 2] }],
    f: ([x, w]) => withConvAlgorithm('direct', () => ops.conv(x, w, { stride: [2, 1], pad: 1 })) },
  ...(['max', 'avg', 'l2'] as const).flatMap((op): OpCase[] => [
    { name: `pool ${op} 2d course: 3×3 pad 1 stride 2 (C2 7×6 N3)`, inputs: [{ shape: [2, 7, 6, 3], awayFromZero: 0.05 }],
      f: ([x]) => ops.pool(x, { window: 3, pad: 1, stride: 2, op }) },
    { name: `pool ${op} 1d window 2 stride 3 (C2 W8 N1)`, inputs: [{ shape: [2, 8, 1], awayFromZero: 0.05 }],
      f: ([x]) => ops.pool(x, { window: 2, stride: 3, op }) },
    { name: `pool ${op} 3d 2×2×2 pad 1 (C1 3×4×3 N2)`, inputs: [{ shape: [1, 3, 4, 3, 2], awayFromZero: 0.05 }],
      f: ([x]) => ops.pool(x, { window: 2, pad: 1, op }) },
    { name: `pool ${op} global 'all' (C3 4×5 N2)`, inputs: [{ shape: [3, 4, 5, 2], awayFromZero: 0.05 }],
      f: ([x]) => ops.pool(x, { window: 'all', op }) },
  ]),
  { name: 'batchNorm training (C3 4×3 N2)', inputs: [{ shape: [3, 4, 3, 2] }, { shape: [3], lo: 0.5, hi: 1.5 }, { shape: [3] }],
    f: ([x, g, b]) => ops.batchNorm(x, g, b, bnState(x.backend, 3), { training: true }) },
  { name: 'batchNorm training dense (F4 N5)', inputs: [{ shape: [4, 5] }, { shape: [4], lo: 0.5, hi: 1.5 }, { shape: [4] }],
    f: ([x, g, b]) => ops.batchNorm(x, g, b, bnState(x.backend, 4), { training: true, rho: 0.8, eps: 1e-2 }) },
  ...[0, 0.1].map((slope): OpCase => ({ name: `batchNormRectlin training slope ${slope} (C3 3×4 N2)`,
    inputs: [{ shape: [3, 3, 4, 2], lo: -2, hi: 2 }, { shape: [3], lo: 0.5, hi: 1.5 }, { shape: [3] }],
    f: ([x, g, b]) => ops.batchNormRectlin(x, g, b, bnState(x.backend, 3), { training: true, slope }) })),
  { name: 'batchNorm inference (C2 3×3 N3)', inputs: [{ shape: [2, 3, 3, 3] }, { shape: [2], lo: 0.5, hi: 1.5 }, { shape: [2] }],
    f: ([x, g, b]) => {
      const state = { runMean: Tensor.fromArray(x.backend, [0.3, -0.2], [2]), runVar: Tensor.fromArray(x.backend, [0.5, 1.7], [2]) };
      return ops.batchNorm(x, g, b, state, { training: false });
    } },
  { name: 'rectlin slope 0.1 (n 13)', inputs: [{ shape: [13, 1], awayFromZero: 0.05 }], f: ([x]) => ops.rectlin(x, 0.1) },
  { name: 'rectlin (3×5)', inputs: [{ shape: [3, 5], awayFromZero: 0.05 }], f: ([x]) => ops.rectlin(x) },
  { name: 'explin alpha 1.5 (5×3)', inputs: [{ shape: [5, 3], awayFromZero: 0.05, lo: -3, hi: 3 }], f: ([x]) => ops.explin(x, 1.5) },
  { name: 'logistic (7×2)', inputs: [{ shape: [7, 2], lo: -4, hi: 4 }], f: ([x]) => ops.logistic(x) },
  { name: 'tanh (9)', inputs: [{ shape: [9, 1], lo: -2, hi: 2 }], f: ([x]) => ops.tanh(x) },
  { name: 'softmax (5 classes × 3)', inputs: [{ shape: [5, 3], lo: -3, hi: 3 }], f: ([x]) => ops.softmax(x) },
  { name: 'add: residual x + rectlin(conv(x)) (x used twice)', inputs: [{ shape: [2, 4, 4, 3] }, { shape: [2, 2, 3, 3] }],
    f: ([x, w]) => ops.add(x, ops.rectlin(ops.conv(x, w, { pad: 1 }), 0.05)) },
  { name: 'addN of three branches', inputs: [{ shape: [3, 5] }, { shape: [3, 5] }, { shape: [3, 5] }],
    f: ([a, b, c]) => ops.addN([a, ops.tanh(b), c]) },
  { name: 'biasAdd (C3 2×2 N3)', inputs: [{ shape: [3, 2, 2, 3] }, { shape: [3] }], f: ([x, b]) => ops.biasAdd(x, b) },
  { name: 'scale by −2.5', inputs: [{ shape: [4, 3] }], f: ([x]) => ops.scale(x, -2.5) },
  { name: 'mul', inputs: [{ shape: [4, 3] }, { shape: [4, 3] }], f: ([a, b]) => ops.mul(a, b) },
  { name: 'flatten → matmul (affine after a conv stack)', inputs: [{ shape: [2, 3, 3, 4] }, { shape: [5, 18] }],
    f: ([x, w]) => ops.matmul(w, ops.flatten(x)) },
  { name: 'reshape with −1', inputs: [{ shape: [2, 6] }], f: ([x]) => ops.tanh(ops.reshape(x, [3, -1])) },
  { name: 'dropout keep 0.6 (fixed mask)', inputs: [{ shape: [6, 4] }],
    f: ([x]) => ops.dropout(x, { keep: 0.6, training: true, random: new Random(3) }) },
  { name: 'dropout inference (× keep)', inputs: [{ shape: [6, 4] }], f: ([x]) => ops.dropout(x, { keep: 0.6, training: false, random: new Random(3) }) },
  { name: 'sumSquared', inputs: [{ shape: [3, 4] }, { shape: [3, 4], constant: true }], f: ([y, t]) => ops.sumSquared(y, t) },
  { name: 'meanSquared', inputs: [{ shape: [3, 4] }, { shape: [3, 4], constant: true }], f: ([y, t]) => ops.meanSquared(y, t) },
  { name: 'crossEntropyBinary (unfused)', inputs: [{ shape: [2, 3], lo: 0.05, hi: 0.95 }, { shape: [2, 3], constant: true, values: oneHot(2, [0, 1, 1]) }],
    f: ([y, t]) => ops.crossEntropyBinary(y, t) },
  { name: 'crossEntropyMulti (unfused)', inputs: [{ shape: [3, 2], lo: 0.05, hi: 0.95 }, { shape: [3, 2], constant: true, values: oneHot(3, [2, 0]) }],
    f: ([y, t]) => ops.crossEntropyMulti(y, t) },
  { name: 'logistic → crossEntropyBinary chained (true derivatives)', inputs: [{ shape: [2, 3], lo: -3, hi: 3 }, { shape: [2, 3], constant: true, values: oneHot(2, [1, 0, 1]) }],
    f: ([z, t]) => ops.crossEntropyBinary(ops.logistic(z), t) },
  { name: 'fused logistic + crossEntropyBinary: shortcut delta y − t', inputs: [{ shape: [2, 5], lo: -3, hi: 3 }, { shape: [2, 5], constant: true, values: oneHot(2, [1, 0, 1, 1, 0]) }],
    f: ([z, t]) => ops.logisticCrossEntropyBinary(z, t).loss },
  { name: 'fused softmax + crossEntropyMulti: shortcut delta y − t', inputs: [{ shape: [4, 3], lo: -3, hi: 3 }, { shape: [4, 3], constant: true, values: oneHot(4, [3, 0, 2]) }],
    f: ([z, t]) => ops.softmaxCrossEntropyMulti(z, t).loss },
];
