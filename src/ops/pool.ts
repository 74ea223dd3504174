// Pooling with neon's rules: stride defaults to the window, padded cells are ignored (max never
// picks them, avg divides by the valid count), padding ≥ window is an error, 'all' pools globally.
// Beyond neon: 'lp' (the lecture's Lp pooling, (Σ|x|^p)^(1/p)) and 'weighted' (a Gaussian-weighted
// average around the window centre); exact semantics in src/kernels.ts (poolForward).
import { needsGrad, record } from '../autograd/mode.ts';
import type { DeviceBuffer } from '../backends/backend.ts';
import type { PoolMode } from '../kernels.ts';
import { sizeOf, spatialOut, windowGeometry, type PerDim } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { backendOf, expectRank } from './util.ts';

export interface PoolOptions {
  /** Window per spatial dim (a number applies to every dim), or 'all' for the whole input. */
  window: PerDim | 'all';
  stride?: PerDim;
  pad?: PerDim;
  op?: PoolMode;
  /** 'lp': the exponent p ≥ 1 (default 2, the L2 op). */
  p?: number;
  /** 'weighted': the Gaussian's σ in input cells, > 0 (default 1). */
  sigma?: number;
}

export const POOL_MODES: readonly PoolMode[] = ['max', 'avg', 'l2', 'lp', 'weighted'];

/** p and sigma as the kernels get them: defaults filled in for the mode that uses each, checked. */
export function poolParams(where: string, mode: PoolMode, p: number | undefined, sigma: number | undefined): { p?: number; sigma?: number } {
  if (!POOL_MODES.includes(mode)) throw new Error(`${where}: op must be one of ${POOL_MODES.map((m) => `'${m}'`).join(', ')}, got '${String(mode)}'`);
  if (mode === 'lp') {
    const v = p ?? 2;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 1) throw new Error(`${where}: p must be a finite number ≥ 1 for op 'lp', got ${String(p)}`);
    return { p: v };
  }
  if (mode === 'weighted') {
    const v = sigma ?? 1;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new Error(`${where}: sigma must be a finite number > 0 for op 'weighted', got ${String(sigma)}`);
    return { sigma: v };
  }
  if (p !== undefined) throw new Error(`${where}: p is an option of op 'lp', not '${mode}'`);
  if (sigma !== undefined) throw new Error(`${where}: sigma is an option of op 'weighted', not '${mode}'`);
  return {};
}

export function pool(x: Tensor, opts: PoolOptions): Tensor {
  const mode = opts.op ?? 'max';
  const op = `pool(${mode})`;
  const backend = backendOf(op, x);
  expectRank(op, 'input', x.shape, [3, 4, 5], '[C, ...1 to 3 spatial dims, N]');
  const params = poolParams('pool', mode, opts.p, opts.sigma);
  const dims = x.shape.length - 2;
  const spatial = x.shape.slice(1, 1 + dims);
  const window = opts.window === 'all' ? spatial
    : typeof opts.window === 'number' ? new Array<number>(dims).fill(opts.window) : [...opts.window];
  const g = windowGeometry(op, x.shape, window, { stride: opts.stride ?? window, pad: opts.pad }, true);
  const y = Tensor.empty(backend, [x.shape[0], ...spatialOut(g, dims), g.batch]);
  const argmax: DeviceBuffer | null = mode === 'max' ? backend.alloc(sizeOf(y.shape), 'int32') : null;
  backend.run('poolForward', { x: x.buf, y: y.buf, argmax, g, mode, ...params });
  const releaseArgmax = () => { if (argmax) backend.dispose(argmax); };
  if (!needsGrad(x)) {
    releaseArgmax();
    return y;
  }
  return record(y, {
    op,
    inputs: [x],
    backward: (dy) => {
      const dx = Tensor.empty(backend, x.shape);
      backend.run('poolBackward', { x: x.buf, y: y.buf, dy: dy.buf, argmax, dx: dx.buf, g, mode, ...params });
      return [dx];
    },
    release: releaseArgmax,
  });
}
