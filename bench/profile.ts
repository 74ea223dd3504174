// Where a training step or an inference pass spends its time, and how much arithmetic it does.
// profileKernels() wraps a backend's run() and adds up each kernel call's wall time by category:
//   gemm        the gemm kernel, and the GEMM share of the convolution kernels
//   transforms  im2col / col2im, and the rest of the convolution kernels (im2col tiles of the
//               column-free kernels, Winograd's input, output and filter transforms)
//   bn+act      batch norm, activations, bias, residual sums and other elementwise kernels
//   pooling     pooling forward and backward
//   optimizer   parameter updates
// A convolution kernel does its GEMMs and its transforms inside one call, so its time is split by
// the calibrated cost model of src/ops/conv-plan.ts (passCost), not measured apart. Whatever the
// step spends outside kernels (the tape, allocation, JS) is the step's time minus the kernels'.
import type { Backend, DeviceBuffer } from '../src/backends/backend.ts';
import type { KernelArgs, KernelName } from '../src/kernels.ts';
import type { Layer } from '../src/layers/index.ts';
import { passCost, type ConvPass, type PassWay } from '../src/ops/conv-plan.ts';

export const CATEGORIES = ['gemm', 'transforms', 'bn+act', 'pooling', 'optimizer'] as const;
export type Category = typeof CATEGORIES[number];
export type Split = Record<Category, number>;

const CONV_PASSES: Partial<Record<KernelName, { pass: ConvPass; way: PassWay }>> = {
  convForward: { pass: 'forward', way: 'gemm' },
  convWeightGrad: { pass: 'weightGrad', way: 'gemm' },
  convInputGrad: { pass: 'inputGrad', way: 'gemm' },
  winogradForward: { pass: 'forward', way: 'winograd' },
  winogradWeightGrad: { pass: 'weightGrad', way: 'winograd' },
  winogradInputGrad: { pass: 'inputGrad', way: 'winograd' },
  directConvWeightGrad: { pass: 'weightGrad', way: 'direct' },
};

function category(name: KernelName): Category {
  if (name === 'gemm') return 'gemm';
  if (name === 'im2col' || name === 'col2im') return 'transforms';
  if (name.startsWith('pool')) return 'pooling';
  if (name.endsWith('Update')) return 'optimizer';
  return 'bn+act';
}

/** Runs fn with every kernel call of `backend` timed, and returns fn's result, the time per
 *  category and the step's total (ms). */
export function profileKernels<T>(backend: Backend, fn: () => T): { result: T; split: Split; kernelsMs: number; totalMs: number } {
  const split: Split = { gemm: 0, transforms: 0, 'bn+act': 0, pooling: 0, optimizer: 0 };
  const run = backend.run.bind(backend);
  backend.run = (<K extends KernelName>(name: K, args: KernelArgs<DeviceBuffer>[K]) => {
    const t = performance.now();
    run(name, args);
    const ms = performance.now() - t;
    const conv = CONV_PASSES[name];
    if (conv) {
      const { g, k } = args as KernelArgs<DeviceBuffer>['convForward'];
      const cost = passCost(g, k, conv.pass, conv.way) ?? { gemm: 1, other: 0 };
      const gemm = cost.gemm / (cost.gemm + cost.other);
      split.gemm += ms * gemm;
      split.transforms += ms * (1 - gemm);
    } else {
      split[category(name)] += ms;
    }
  }) as Backend['run'];
  const t0 = performance.now();
  try {
    const result = fn();
    const totalMs = performance.now() - t0;
    return { result, split, kernelsMs: CATEGORIES.reduce((s, c) => s + split[c], 0), totalMs };
  } finally {
    backend.run = run;
  }
}

/** Direct-convolution FLOPs per image (2 per multiply–add of every Convolution and Linear, as
 *  summary() counts them), forward only or a training step: forward, weight gradient and input
 *  gradient, less the input gradient of the first layer with parameters (it reads the data). A
 *  Winograd convolution does fewer multiplications, so its GFLOP/s can pass the machine's peak. */
export function flopsPerImage(root: Layer, training: boolean): number {
  const rows = root.info();
  const forward = rows.reduce((s, r) => s + 2 * r.macs, 0);
  if (!training) return forward;
  const first = rows.find((r) => r.params > 0);
  return 3 * forward - 2 * (first?.macs ?? 0);
}

export function formatSplit(split: Split, totalMs: number): string {
  const kernels = CATEGORIES.reduce((s, c) => s + split[c], 0);
  const pct = (ms: number) => `${((100 * ms) / totalMs).toFixed(0)} %`;
  return [...CATEGORIES.map((c) => `${c} ${pct(split[c])}`), `outside kernels ${pct(Math.max(0, totalMs - kernels))}`].join(', ');
}
