// Transposed convolution (neon's Deconvolution, layer.py:1088; "fprop = conv bprop"): the adjoint of
// conv(·, w) with the same stride, padding and dilation. x is [K, ...in, N], w is [K, C, ...window]
// (the weights of the conv that maps the output back to x's shape, neon's dimF (C, T, R, S, K)),
// and the output is [C, ...out, N] with, per spatial dim (neon DeconvLayer):
//   out = (in − 1)·stride − 2·pad + dil·(k − 1) + 1
// forward:  cols[C·T·R·S, P·N] = Wᵀ · x,   y = col2im(cols)
// backward: dcols = im2col(dy),  dx = W · dcols,  dW = x · dcolsᵀ
// (P = positions of x), so ⟨deconv(x, w), y⟩ = ⟨x, conv(y, w)⟩ for every y (the tests check it).
import { needsGrad, record } from '../autograd/mode.ts';
import type { DeviceBuffer } from '../backends/backend.ts';
import { perDim, shapeString, sizeOf, windowGeometry, type WindowOptions } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { backendOf, expectRank } from './util.ts';

export type DeconvOptions = WindowOptions;

/** The spatial output of a transposed convolution, checked to be ≥ 1 in every dim. */
export function deconvOutSize(op: string, inSpatial: readonly number[], window: readonly number[], opts: WindowOptions): number[] {
  const dims = inSpatial.length;
  const stride = perDim(op, 'stride', opts.stride, dims, 1, 1);
  const pad = perDim(op, 'padding', opts.pad, dims, 0, 0);
  const dil = perDim(op, 'dilation', opts.dilation, dims, 1, 1);
  return inSpatial.map((x, i) => {
    const out = (x - 1) * stride[i] - 2 * pad[i] + dil[i] * (window[i] - 1) + 1;
    if (out < 1) {
      throw new Error(`${op}: input ${x} with window ${window[i]}, stride ${stride[i]}, padding ${pad[i]} and dilation ${dil[i]} ` +
        `gives an output of ${out} in spatial dim ${i} ((in − 1)·stride − 2·pad + dil·(k − 1) + 1 must be ≥ 1)`);
    }
    return out;
  });
}

export function deconv(x: Tensor, w: Tensor, opts: DeconvOptions = {}): Tensor {
  const op = 'deconv';
  const backend = backendOf(op, x, w);
  expectRank(op, 'input', x.shape, [3, 4, 5], '[K, ...1 to 3 spatial dims, N]');
  if (w.shape.length !== x.shape.length) {
    throw new Error(`deconv: weights must be [K, C, ...window] with ${x.shape.length - 2} window dim(s) to match input ${shapeString(x.shape)}, got ${shapeString(w.shape)}`);
  }
  if (w.shape[0] !== x.shape[0]) {
    throw new Error(`deconv: weights ${shapeString(w.shape)} expect ${w.shape[0]} input channels, input ${shapeString(x.shape)} has ${x.shape[0]}`);
  }
  const dims = x.shape.length - 2;
  const n = x.shape[x.shape.length - 1];
  const k = x.shape[0], c = w.shape[1];
  const window = w.shape.slice(2);
  const outSpatial = deconvOutSize(op, x.shape.slice(1, 1 + dims), window, opts);
  const yShape = [c, ...outSpatial, n];
  // The geometry of the conv that maps y back to x: its output size is x's spatial size.
  const g = windowGeometry(op, yShape, window, opts, false);
  const rows = sizeOf(w.shape.slice(1)); // C·T·R·S
  const cols = sizeOf(g.outSize) * n; // P·N
  const pointwise = g.window.every((v) => v === 1) && g.stride.every((v) => v === 1) && g.pad.every((v) => v === 0);
  const y = Tensor.empty(backend, yShape);
  const colBuf: DeviceBuffer = pointwise ? y.buf : backend.alloc(rows * cols);
  backend.run('gemm', { a: w.buf, b: x.buf, c: colBuf, m: rows, n: cols, k, transA: true, transB: false, alpha: 1, beta: 0 });
  if (!pointwise) {
    backend.run('col2im', { cols: colBuf, dx: y.buf, g });
    backend.dispose(colBuf);
  }
  if (!needsGrad(x, w)) return y;
  return record(y, {
    op,
    inputs: [x, w],
    backward: (dy) => {
      let dcols: DeviceBuffer = dy.buf;
      if (!pointwise) {
        dcols = backend.alloc(rows * cols);
        backend.run('im2col', { x: dy.buf, cols: dcols, g });
      }
      let dx: Tensor | null = null, dw: Tensor | null = null;
      if (x.requiresGrad) {
        dx = Tensor.empty(backend, x.shape);
        backend.run('gemm', { a: w.buf, b: dcols, c: dx.buf, m: k, n: cols, k: rows, transA: false, transB: false, alpha: 1, beta: 0 });
      }
      if (w.requiresGrad) {
        dw = Tensor.empty(backend, w.shape);
        backend.run('gemm', { a: x.buf, b: dcols, c: dw.buf, m: k, n: rows, k: cols, transA: false, transB: true, alpha: 1, beta: 0 });
      }
      if (!pointwise) backend.dispose(dcols);
      return [dx, dw];
    },
  });
}
