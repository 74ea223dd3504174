// A small fully convolutional network for per-pixel classes (the lecture's segmentation output
// S[i, j, k]: a probability per pixel and class). Encoder: two stride-2 convs (H → H/2 → H/4), then
// two dilated 3×3 convs at H/4 so that every output pixel sees the whole 28×28 image (receptive
// field 41 pixels) — the garment class is a property of the whole image. Decoder: two stride-2
// Deconvs back to H, each summed with the encoder map of the same size (FCN-style skips, Long et
// al. 2015, here as nested MergeSum blocks), then a 1×1 conv to nclass maps and PixelwiseSoftmax.
// Every conv and deconv but the last has BatchNorm and Rectlin.
import { Conv } from '../layers/compound.ts';
import { Deconv } from '../layers/deconv.ts';
import type { Layer } from '../layers/layer.ts';
import { BatchNorm } from '../layers/linear.ts';
import { MergeSum } from '../layers/merge.ts';
import { Activation, DataTransform, SkipNode } from '../layers/transform.ts';
import { Normalizer, PixelwiseSoftmax, Rectlin } from '../nn/activations.ts';
import { Constant, Kaiming } from '../nn/initializers.ts';
import { checkInput, resolve, type NetworkOptions } from './options.ts';

export interface FcnOptions extends NetworkOptions {
  /** Feature maps at full resolution; H/2 has 2·width, H/4 has 4·width (default 8). */
  width?: number;
}

const block = (fshape: number[], opts: { strides?: number; padding?: number; dilation?: number } = {}) =>
  new Conv(fshape, { ...opts, init: new Kaiming(), batchNorm: true, activation: new Rectlin() });

const up = (nout: number) => new Deconv([4, 4, nout], { strides: 2, padding: 1, init: new Kaiming(), batchNorm: true, activation: new Rectlin() });

/** fcn({ nclass: 11, inputShape: [1, 28, 28], width: 8 }): H and W must be multiples of 4.
 *  11 classes, 1×28×28, width 8: 34,907 parameters (2.28 M multiply-adds per image). */
export function fcn(opts: FcnOptions = {}): Layer[] {
  const o = resolve('fcn', { nclass: opts.nclass ?? 11, inputShape: opts.inputShape ?? [1, 28, 28], recipe: opts.recipe });
  const w = opts.width ?? 8;
  if (!Number.isInteger(w) || w < 1) throw new Error(`fcn: width must be a positive integer, got ${w}`);
  const [, h, wd] = o.inputShape;
  if (o.inputShape.length !== 3 || h % 4 !== 0 || wd % 4 !== 0) {
    throw new Error(`fcn: inputShape must be [C, H, W] with H and W multiples of 4 (two stride-2 stages), got ${JSON.stringify(o.inputShape)}`);
  }
  const quarter = [
    block([3, 3, 4 * w], { strides: 2, padding: 1 }),
    block([3, 3, 4 * w], { padding: 2, dilation: 2 }),
    block([3, 3, 4 * w], { padding: 2, dilation: 2 }),
    up(2 * w),
  ];
  const half = [
    block([3, 3, 2 * w], { strides: 2, padding: 1 }),
    new MergeSum([new SkipNode(), quarter]),
    up(w),
  ];
  return checkInput('fcn', [
    new DataTransform(new Normalizer({ divisor: 128 })),
    block([3, 3, w], { padding: 1 }),
    new MergeSum([new SkipNode(), half]),
    new BatchNorm(),
    new Activation(new Rectlin()),
    new Conv([1, 1, o.nclass], { init: new Kaiming(), bias: new Constant({ val: 0 }) }),
    new Activation(new PixelwiseSoftmax({ c: o.nclass })),
  ], o.inputShape);
}
