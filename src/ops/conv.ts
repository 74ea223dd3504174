// Convolution (cross-correlation, as neon and PyTorch) over 1, 2 or 3 spatial dims by im2col + GEMM:
//   cols[C·T·R·S, P·N] = im2col(x),  y[K, P·N] = W[K, C·T·R·S] · cols
// backward:  dW = dy · colsᵀ,  dcols = Wᵀ · dy,  dx = col2im(dcols).
// The layout keeps the batch innermost, so y is already [K, ...out, N], the next layer's input.
// conv-plan.ts picks the algorithm per layer: this im2col + GEMM, the column-free kernels (large
// column matrices), their forward with a direct weight gradient (first layers with few taps),
// Winograd F(2×2, 3×3) (3×3 stride-1 windows, where it costs less) or a dense product (a window
// that covers the whole input from every output position).
import { needsGrad, record } from '../autograd/mode.ts';
import type { DeviceBuffer } from '../backends/backend.ts';
import type { WindowGeometry } from '../kernels.ts';
import { shapeString, sizeOf, spatialOut, windowGeometry, type WindowOptions } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { CONV_PASS_KERNELS, convKernels, derivesFromWeights, isColumnless, planConv, withConvAlgorithm, type ColumnlessAlgorithm } from './conv-plan.ts';
import { backendOf, expectRank } from './util.ts';

export type ConvOptions = WindowOptions;

/** Runs fn with every conv taking the column-free path where the backend has it, whatever the
 *  sizes (tests use it to hold that path to the same checks as the other on small shapes). */
export function withColumnFreeConv<T>(fn: () => T): T {
  return withConvAlgorithm('column-free', fn);
}

/** The convolution with no column matrix kept: the column-free kernels (the forward tiled, the
 *  backward recomputing each tile's columns in cache; training memory drops by the whole matrix,
 *  151 MB for CNN-1's second conv at batch 128) or the Winograd ones (conv-plan.ts chooses). */
function convWithoutColumns(
  x: Tensor, w: Tensor, g: WindowGeometry, k: number, dims: number,
  algorithm: ColumnlessAlgorithm,
): Tensor {
  const backend = x.backend, kernels = CONV_PASS_KERNELS[algorithm];
  const y = Tensor.empty(backend, [k, ...spatialOut(g, dims), g.batch]);
  // Without gradients the plan was an inference plan, which counts on kept filters (Winograd's
  // transformed or the dense way's gathered weights) where the backend keeps them (conv-plan.ts).
  const keep = derivesFromWeights(algorithm) && !needsGrad(x, w);
  backend.run(kernels.forward, { x: x.buf, w: w.buf, y: y.buf, g, k, scale: null, shift: null, slope: null, ...(keep ? { keepFilters: true } : {}) });
  if (!needsGrad(x, w)) return y;
  return record(y, {
    op: 'conv',
    inputs: [x, w],
    backward: (dy) => {
      let dw: Tensor | null = null, dx: Tensor | null = null;
      if (w.requiresGrad) {
        dw = Tensor.empty(backend, w.shape);
        backend.run(kernels.weightGrad, { x: x.buf, dy: dy.buf, dw: dw.buf, g, k });
      }
      if (x.requiresGrad) {
        dx = Tensor.empty(backend, x.shape);
        backend.run(kernels.inputGrad, { dy: dy.buf, w: w.buf, dx: dx.buf, g, k });
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
  const { algorithm } = planConv(g, k, convKernels(backend), { weightGrad: needsGrad(w), inputGrad: needsGrad(x) });
  if (isColumnless(algorithm)) return convWithoutColumns(x, w, g, k, dims, algorithm);
  // A 1×1 window with stride 1 and no padding reads x exactly as its own column matrix.
  const pointwise = algorithm === 'pointwise';
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
