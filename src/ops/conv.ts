// Convolution (cross-correlation, as neon and PyTorch) over 1, 2 or 3 spatial dims by im2col + GEMM:
//   cols[C·T·R·S, P·N] = im2col(x),  y[K, P·N] = W[K, C·T·R·S] · cols
// backward:  dW = dy · colsᵀ,  dcols = Wᵀ · dy,  dx = col2im(dcols).
// The layout keeps the batch innermost, so y is already [K, ...out, N], the next layer's input.
import { needsGrad, record } from '../autograd/mode.ts';
import type { Backend, DeviceBuffer } from '../backends/backend.ts';
import type { WindowGeometry } from '../kernels.ts';
import { shapeString, sizeOf, spatialOut, windowGeometry, type WindowOptions } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { backendOf, expectRank } from './util.ts';

export type ConvOptions = WindowOptions;

/** Column matrices above this size are never built where the backend can avoid them (below, the
 *  im2col + GEMM path is as fast and simpler). */
const COLUMN_FREE_MIN_BYTES = 4 * 2 ** 20;

/** Whether to run without the column matrix: the backend has the column-free kernels, the matrix
 *  would be large, and the weight gradient's partial sums (up to 16 × K × rows in the wasm
 *  backend) stay well below it. */
function columnFree(backend: Backend, rows: number, cols: number, k: number): boolean {
  if (!backend.has('convForward') || !backend.has('convWeightGrad') || !backend.has('convInputGrad')) return false;
  return forced || backend.prefersColumnFree === true || columnFreePays(rows, cols, k);
}

/** The size rule alone, for a backend with the column-free kernels (summary() uses it too):
 *  rows × cols is the column matrix (C·T·R·S × P·N), k the output channels. */
export function columnFreePays(rows: number, cols: number, k: number): boolean {
  return rows * cols * 4 >= COLUMN_FREE_MIN_BYTES && 16 * k * rows <= (rows * cols) / 4;
}

let forced = false;

/** Runs fn with every conv taking the column-free path where the backend has it, whatever the
 *  sizes (tests use it to hold that path to the same checks as the other on small shapes). */
export function withColumnFreeConv<T>(fn: () => T): T {
  const before = forced;
  forced = true;
  try {
    return fn();
  } finally {
    forced = before;
  }
}

/** The convolution with no column matrix kept: forward by the tiled convForward kernel, backward
 *  by convWeightGrad and convInputGrad, which recompute each tile's columns in cache. Training
 *  memory drops by the whole matrix (CNN-1's second conv: 151 MB at batch 128). */
function convColumnFree(x: Tensor, w: Tensor, g: WindowGeometry, k: number, dims: number): Tensor {
  const backend = x.backend;
  const y = Tensor.empty(backend, [k, ...spatialOut(g, dims), g.batch]);
  backend.run('convForward', { x: x.buf, w: w.buf, y: y.buf, g, k, scale: null, shift: null, slope: null });
  if (!needsGrad(x, w)) return y;
  return record(y, {
    op: 'conv',
    inputs: [x, w],
    backward: (dy) => {
      let dw: Tensor | null = null, dx: Tensor | null = null;
      if (w.requiresGrad) {
        dw = Tensor.empty(backend, w.shape);
        backend.run('convWeightGrad', { x: x.buf, dy: dy.buf, dw: dw.buf, g, k });
      }
      if (x.requiresGrad) {
        dx = Tensor.empty(backend, x.shape);
        backend.run('convInputGrad', { dy: dy.buf, w: w.buf, dx: dx.buf, g, k });
      }
      return [dx, dw];
    },
  });
}

export function conv(x: Tensor, w: Tensor, opts: ConvOptions = {}): Tensor {
  const op = 'conv';
  const backend = backendOf(op, x, w);
  expectRank(op, 'input', x.shape, [3, 4, 5], '[C, ...1 to 3 spatial dims, N]');
  if (w.shape.length !== x.shape.length) {
    throw new Error(`conv: weights must be [K, C, ...window] with ${x.shape.length - 2} window dim(s) to match input ${shapeString(x.shape)}, got ${shapeString(w.shape)}`);
  }
  if (w.shape[1] !== x.shape[0]) {
    throw new Error(`conv: weights ${shapeString(w.shape)} expect ${w.shape[1]} input channels, input ${shapeString(x.shape)} has ${x.shape[0]}`);
  }
  const dims = x.shape.length - 2;
  const g = windowGeometry(op, x.shape, w.shape.slice(2), opts, false);
  const k = w.shape[0];
  const rows = sizeOf(w.shape.slice(1)); // C·T·R·S
  const cols = sizeOf(g.outSize) * g.batch; // P·N
  // A 1×1 window with stride 1 and no padding reads x exactly as its own column matrix.
  const pointwise = g.window.every((v) => v === 1) && g.stride.every((v) => v === 1) && g.pad.every((v) => v === 0);
  if (!pointwise && columnFree(backend, rows, cols, k)) return convColumnFree(x, w, g, k, dims);
  // y before the columns: in inference the columns are freed right after the GEMM, and a heap
  // block freed last-in-first-out goes back to the top of the wasm heap for any later size.
  const y = Tensor.empty(backend, [k, ...spatialOut(g, dims), g.batch]);
  let colBuf: DeviceBuffer = x.buf;
  if (!pointwise) {
    colBuf = backend.alloc(rows * cols);
    backend.run('im2col', { x: x.buf, cols: colBuf, g });
  }
  backend.run('gemm', { a: w.buf, b: colBuf, c: y.buf, m: k, n: cols, k: rows, transA: false, transB: false, alpha: 1, beta: 0 });
  const releaseCols = () => { if (!pointwise) backend.dispose(colBuf); };
  if (!needsGrad(x, w)) {
    releaseCols();
    return y;
  }
  return record(y, {
    op,
    inputs: [x, w],
    backward: (dy) => {
      let dw: Tensor | null = null, dx: Tensor | null = null;
      if (w.requiresGrad) {
        dw = Tensor.empty(backend, w.shape);
        backend.run('gemm', { a: dy.buf, b: colBuf, c: dw.buf, m: k, n: rows, k: cols, transA: false, transB: true, alpha: 1, beta: 0 });
      }
      if (x.requiresGrad) {
        dx = Tensor.empty(backend, x.shape);
        const dcols = pointwise ? dx.buf : backend.alloc(rows * cols);
        backend.run('gemm', { a: w.buf, b: dy.buf, c: dcols, m: rows, n: cols, k, transA: true, transB: false, alpha: 1, beta: 0 });
        if (!pointwise) {
          backend.run('col2im', { cols: dcols, dx: dx.buf, g });
          backend.dispose(dcols);
        }
      }
      return [dx, dw];
    },
    release: releaseCols,
  });
}
