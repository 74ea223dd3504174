// wasm batch norm (train with running stats over two steps, infer, grad) and optimizer steps
// against ref-f64.
import { test } from 'uvu';
import { compareWasm, rand, refRun } from './wasm-harness.ts';

// inner = spatial·N: 1 (degenerate variance), odd, not a multiple of 4, conv-like and large.
const BN: [number, number][] = [[1, 1], [3, 1], [1, 5], [3, 7], [2, 45], [4, 3 * 5 * 5], [3, 10001]];

for (const [channels, inner] of BN) {
  const shape = `${channels}x${inner}`, len = channels * inner;
  // An offset so mean ≠ 0 and the variance is computed about it.
  const x = rand(len, len + 20, -1, 3);
  const gamma = rand(channels, 21, 0.5, 1.5), beta = rand(channels, 22);
  const runMean = rand(channels, 23), runVar = rand(channels, 24, 0, 2);
  test(`batchNormTrain ${shape} (two steps of running stats)`, () => compareWasm({
    kernel: 'batchNormTrain', label: shape,
    buffers: {
      x, gamma, beta, runMean, runVar,
      y: { size: len }, mean: { size: channels }, invStd: { size: channels },
    },
    args: (b) => ({
      x: b.x, gamma: b.gamma, beta: b.beta, y: b.y, mean: b.mean, invStd: b.invStd,
      runMean: b.runMean, runVar: b.runVar, channels, inner, rho: 0.9, eps: 1e-3,
    }),
    check: ['y', 'mean', 'invStd', 'runMean', 'runVar'],
    steps: 2,
  }));
  test(`batchNormInfer ${shape}`, () => compareWasm({
    kernel: 'batchNormInfer', label: shape,
    buffers: { x, gamma, beta, runMean, runVar, y: { size: len } },
    args: (b) => ({ x: b.x, gamma: b.gamma, beta: b.beta, runMean: b.runMean, runVar: b.runVar, y: b.y, channels, inner, eps: 1e-3 }),
    check: ['y'],
  }));
  test(`batchNormGrad ${shape}`, async () => {
    const fwd = await refRun({
      kernel: 'batchNormTrain', label: shape,
      buffers: { x, gamma, beta, runMean, runVar, y: { size: len }, mean: { size: channels }, invStd: { size: channels } },
      args: (b) => ({
        x: b.x, gamma: b.gamma, beta: b.beta, y: b.y, mean: b.mean, invStd: b.invStd,
        runMean: b.runMean, runVar: b.runVar, channels, inner, rho: 0.9, eps: 1e-5,
      }),
      check: ['mean', 'invStd'],
    });
    await compareWasm({
      kernel: 'batchNormGrad', label: shape,
      buffers: {
        x, dy: rand(len, len + 30), gamma, mean: fwd.mean.map(Math.fround), invStd: fwd.invStd.map(Math.fround),
        dx: { size: len }, dgamma: { size: channels }, dbeta: { size: channels },
      },
      args: (b) => ({
        x: b.x, dy: b.dy, gamma: b.gamma, mean: b.mean, invStd: b.invStd, dx: b.dx, dgamma: b.dgamma, dbeta: b.dbeta,
        channels, inner,
      }),
      check: ['dx', 'dgamma', 'dbeta'],
    });
  });
}

// ---- optimizers: a few steps (the gradient is reused each step; the state evolves) ----
for (const n of [1, 7, 1003]) {
  const w = rand(n, n + 40), g = rand(n, n + 41, -3, 3), v = rand(n, n + 42, -0.1, 0.1);
  for (const [momentum, nesterov] of [[0.9, false], [0.9, true], [0, false], [0, true]] as const) {
    const name = `n=${n} momentum=${momentum}${nesterov ? ' nesterov' : ''}`;
    test(`sgdUpdate ${name} (3 steps)`, () => compareWasm({
      kernel: 'sgdUpdate', label: name, buffers: { w, g, v },
      args: (b) => ({ w: b.w, g: b.g, v: b.v, n, lr: 0.05, momentum, wdecay: 5e-4, gradScale: 1 / 32, nesterov }),
      // momentum = 0 leaves v untouched: checking v compares it with its initial contents on ref.
      check: ['w', 'v'],
      steps: 3,
    }));
  }
  test(`adamUpdate n=${n} (steps 1-4)`, () => compareWasm({
    kernel: 'adamUpdate', label: `n=${n}`, buffers: { w, g, m: rand(n, n + 43, -0.1, 0.1), v: rand(n, n + 44, 0, 0.01) },
    args: (b, s) => ({
      w: b.w, g: b.g, m: b.m, v: b.v, n, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, gradScale: 0.5, step: s + 1,
    }),
    check: ['w', 'm', 'v'],
    steps: 4,
  }));
  test(`adagradUpdate n=${n} (3 steps)`, () => compareWasm({
    kernel: 'adagradUpdate', label: `n=${n}`, buffers: { w, g, acc: rand(n, n + 46, 0, 0.01) },
    args: (b) => ({ w: b.w, g: b.g, acc: b.acc, n, lr: 0.01, eps: 1e-6, gradScale: 0.5 }),
    check: ['w', 'acc'],
    steps: 3,
  }));
  test(`rmspropUpdate n=${n} (3 steps)`, () => compareWasm({
    kernel: 'rmspropUpdate', label: `n=${n}`, buffers: { w, g, m: rand(n, n + 45, 0, 0.01) },
    args: (b) => ({ w: b.w, g: b.g, m: b.m, n, lr: 2e-3, decay: 0.95, eps: 1e-6, gradScale: 0.25 }),
    check: ['w', 'm'],
    steps: 3,
  }));
}

test.run();
