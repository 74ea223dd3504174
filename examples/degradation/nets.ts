// The CIFAR-style networks of He et al. 2015 (Deep Residual Learning, §4.2), sized for 28×28
// Fashion-MNIST: a 3×3 conv with w maps, then three stages of n blocks of two 3×3 convs with w, 2w
// and 4w maps on 28×28, 14×14 and 7×7 (the first conv of stages 2 and 3 has stride 2), global
// average pooling and a 10-way softmax: 6n + 2 weighted layers (n = 1, 3, 5, 9 → 8, 20, 32, 56).
// Every conv is followed by BatchNorm, and ReLU except where the block adds its shortcut.
//   residual block: y = ReLU(BN(conv(ReLU(BN(conv(x))))) + s(x)), s = identity, or a 1×1 stride-2
//                   projection where the maps double (the paper's option B; its CIFAR nets used
//                   option A, zero-padding, which Argon's layers do not express);
//   plain block:    y = ReLU(BN(conv(ReLU(BN(conv(x)))))) — the same convs, no shortcut.
import { Affine, Conv } from '../../src/layers/compound.ts';
import { Pooling } from '../../src/layers/convolution.ts';
import type { Layer } from '../../src/layers/layer.ts';
import { MergeSum } from '../../src/layers/merge.ts';
import { Activation, DataTransform, SkipNode } from '../../src/layers/transform.ts';
import { Normalizer, Rectlin, Softmax } from '../../src/nn/activations.ts';
import { Kaiming } from '../../src/nn/initializers.ts';

export type Family = 'plain' | 'resnet';

const conv = (nfm: number, stride: number, relu: boolean) =>
  new Conv([3, 3, nfm], { strides: stride, padding: 1, init: new Kaiming(), batchNorm: true, activation: relu ? new Rectlin() : undefined });

function block(family: Family, nfm: number, stride: number): Layer[] {
  if (family === 'plain') return [conv(nfm, stride, true), conv(nfm, 1, true)];
  const side = stride === 1 ? new SkipNode()
    : new Conv([1, 1, nfm], { strides: stride, init: new Kaiming(), batchNorm: true });
  return [new MergeSum([side, [conv(nfm, stride, true), conv(nfm, 1, false)]]), new Activation(new Rectlin())];
}

/** The 6n + 2 layer network of a family; `width` maps in the first stage (the paper: 16). */
export function cifarNet(family: Family, depth: number, width: number, nclass = 10): Layer[] {
  if ((depth - 2) % 6 !== 0 || depth < 8) throw new Error(`depth must be 6n + 2 with n ≥ 1, got ${depth}`);
  const n = (depth - 2) / 6;
  const layers: Layer[] = [new DataTransform(new Normalizer({ divisor: 255 })), conv(width, 1, true)];
  for (const [stage, nfm] of [width, 2 * width, 4 * width].entries()) {
    for (let i = 0; i < n; i++) layers.push(...block(family, nfm, stage > 0 && i === 0 ? 2 : 1));
  }
  layers.push(new Pooling('all', { op: 'avg' }), new Affine(nclass, { init: new Kaiming({ local: false }), activation: new Softmax() }));
  return layers;
}
