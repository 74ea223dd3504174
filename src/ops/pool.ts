// Pooling with neon's rules: stride defaults to the window, padded cells are ignored (max never
// picks them, avg divides by the valid count), padding ≥ window is an error, 'all' pools globally.
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
}

export function pool(x: Tensor, opts: PoolOptions): Tensor {
  const mode = opts.op ?? 'max';
  const op = `pool(${mode})`;
  const backend = backendOf(op, x);
  expectRank(op, 'input', x.shape, [3, 4, 5], '[C, ...1 to 3 spatial dims, N]');
  if (!['max', 'avg', 'l2'].includes(mode)) throw new Error(`pool: op must be 'max', 'avg' or 'l2', got '${mode}'`);
  const dims = x.shape.length - 2;
  const spatial = x.shape.slice(1, 1 + dims);
  const window = opts.window === 'all' ? spatial
    : typeof opts.window === 'number' ? new Array<number>(dims).fill(opts.window) : [...opts.window];
  const g = windowGeometry(op, x.shape, window, { stride: opts.stride ?? window, pad: opts.pad }, true);
  const y = Tensor.empty(backend, [x.shape[0], ...spatialOut(g, dims), g.batch]);
  const argmax: DeviceBuffer | null = mode === 'max' ? backend.alloc(sizeOf(y.shape), 'int32') : null;
  backend.run('poolForward', { x: x.buf, y: y.buf, argmax, g, mode });
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
      backend.run('poolBackward', { x: x.buf, y: y.buf, dy: dy.buf, argmax, dx: dx.buf, g, mode });
      return [dx];
    },
    release: releaseArgmax,
  });
}
