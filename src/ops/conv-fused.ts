// Inference-only convolution fused with what a Conv compound puts after it: a per-channel affine
// (a Bias, or a BatchNorm folded with its running statistics) and Rectlin, in one kernel
// (convForward, src/kernels.ts) that also tiles im2col so the column matrix never exists whole, or
// winogradForward or denseConvForward where conv-plan.ts finds them cheaper.
// Not differentiable: callers take this path only when nothing needs a gradient.
import { needsGrad } from '../autograd/mode.ts';
import { shapeString, sizeOf, spatialOut, windowGeometry } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import type { ConvOptions } from './conv.ts';
import { CONV_PASS_KERNELS, convKernels, derivesFromWeights, planConv } from './conv-plan.ts';
import { backendOf } from './util.ts';

export interface ConvEpilogue {
  /** Per output channel, multiplies the convolution (folded BatchNorm). */
  scale?: Tensor | null;
  /** Per output channel, added after the scale (Bias, or folded BatchNorm's shift). */
  shift?: Tensor | null;
  /** Rectlin's slope, or null/absent for no activation. */
  slope?: number | null;
}

/** Whether convFused can run on this tensor's backend. */
export function canFuseConv(x: Tensor): boolean {
  return x.backend.has('convForward');
}

export function convFused(x: Tensor, w: Tensor, opts: ConvOptions, ep: ConvEpilogue): Tensor {
  const op = 'convFused';
  const backend = backendOf(op, x, w, ...[ep.scale, ep.shift].filter((t): t is Tensor => !!t));
  if (needsGrad(x, w, ep.scale, ep.shift)) throw new Error(`${op}: inference only, but an input needs a gradient (use conv)`);
  if (w.shape.length !== x.shape.length || w.shape[1] !== x.shape[0]) {
    throw new Error(`${op}: weights ${shapeString(w.shape)} do not fit input ${shapeString(x.shape)}`);
  }
  const k = w.shape[0];
  for (const [what, t] of [['scale', ep.scale], ['shift', ep.shift]] as const) {
    if (t && sizeOf(t.shape) !== k) throw new Error(`${op}: ${what} must have ${k} values (one per output channel), got ${shapeString(t.shape)}`);
  }
  const dims = x.shape.length - 2;
  const g = windowGeometry(op, x.shape, w.shape.slice(2), opts, false);
  const y = Tensor.empty(backend, [k, ...spatialOut(g, dims), g.batch]);
  // Inference runs the forward pass only; the plan may take Winograd for it (same epilogue).
  const { algorithm } = planConv(g, k, convKernels(backend), { weightGrad: false, inputGrad: false });
  const derived = derivesFromWeights(algorithm);
  backend.run(CONV_PASS_KERNELS[derived ? algorithm : 'column-free'].forward, {
    x: x.buf, w: w.buf, y: y.buf, g, k, scale: ep.scale?.buf ?? null, shift: ep.shift?.buf ?? null, slope: ep.slope ?? null,
    // Inference runs the same weights again: a backend that keeps their Winograd transform (or their
    // dense gather) may.
    ...(derived ? { keepFilters: true } : {}),
  });
  return y;
}
