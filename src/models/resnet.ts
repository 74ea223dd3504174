// The lecture's residual networks (slides "Пример применения остаточных сетей … (1)–(6)";
// networks.md): make_resnet_base mixes neon's imagenet post-activation stages with the cifar
// pre-activation head. Blocks are MergeSum([side, main]) with no activation after the sum; every
// non-first block starts its main path with BatchNorm → Rectlin instead.
import { Affine, Conv, type ConvOptions } from '../layers/compound.ts';
import { Pooling } from '../layers/convolution.ts';
import type { Layer } from '../layers/layer.ts';
import { BatchNorm } from '../layers/linear.ts';
import { MergeSum } from '../layers/merge.ts';
import { Activation, SkipNode } from '../layers/transform.ts';
import { Rectlin, Softmax } from '../nn/activations.ts';
import { Kaiming } from '../nn/initializers.ts';
import { checkInput, resolve, type NetworkOptions } from './options.ts';

export type ResnetBlock = 'basic' | 'bottleneck';

/** The lecture's conv_params as Conv's arguments: `new Conv(...convParams(3, nfm, { stride: 2 }))`
 *  is `Conv(**conv_params(3, nfm, stride=2))`. Padding ⌊fsize/2⌋, Kaiming(local=true). */
export function convParams(
  fsize: number,
  nfm: number,
  { stride = 1, relu = true, batchNorm = true }: { stride?: number; relu?: boolean; batchNorm?: boolean } = {},
): [number[], ConvOptions] {
  return [[fsize, fsize, nfm], {
    strides: stride, padding: Math.floor(fsize / 2), activation: relu ? new Rectlin() : undefined,
    init: new Kaiming({ local: true }), batchNorm,
  }];
}

function preActivation(first: boolean): Layer[] {
  return first ? [] : [new BatchNorm(), new Activation(new Rectlin())];
}

/** ResNet-18/34 block: two 3×3 convs; a 1×1 projection shortcut in the first block and where the
 *  stride is 2, otherwise the identity. */
export function moduleBasic(nfm: number, { first = false, stride = 1 }: { first?: boolean; stride?: number } = {}): MergeSum {
  const main = [
    ...preActivation(first),
    new Conv(...convParams(3, nfm, { stride })),
    new Conv(...convParams(3, nfm, { relu: false, batchNorm: false })),
  ];
  const side = first || stride !== 1 ? new Conv(...convParams(1, nfm, { stride, relu: false, batchNorm: false })) : new SkipNode();
  return new MergeSum([side, main]);
}

/** ResNet-50/101/152 block: 1×1 (stride) → 3×3 → 1×1 to 4·nfm maps. */
export function moduleBottleneck(nfm: number, { first = false, stride = 1 }: { first?: boolean; stride?: number } = {}): MergeSum {
  const main = [
    ...preActivation(first),
    new Conv(...convParams(1, nfm, { stride })),
    new Conv(...convParams(3, nfm)),
    new Conv(...convParams(1, 4 * nfm, { relu: false, batchNorm: false })),
  ];
  const side = first || stride !== 1 ? new Conv(...convParams(1, 4 * nfm, { stride, relu: false, batchNorm: false })) : new SkipNode();
  return new MergeSum([side, main]);
}

/** The lecture's make_resnet_base: a 7×7/2 stem conv and 3×3/2 max pooling, then stageDepths[s]
 *  blocks of 2^(s + log2 baseChannels) maps each, stride 2 where the width changes. */
export function makeResnetBase(stageDepths: readonly number[], block: ResnetBlock = 'basic', baseChannels = 64): Layer[] {
  if (!stageDepths.length || stageDepths.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new Error(`makeResnetBase: stageDepths must be positive integers, got ${JSON.stringify(stageDepths)}`);
  }
  if (!Number.isInteger(Math.log2(baseChannels))) throw new Error(`makeResnetBase: baseChannels must be a power of 2, got ${baseChannels}`);
  const module = block === 'basic' ? moduleBasic : block === 'bottleneck' ? moduleBottleneck : null;
  if (!module) throw new Error(`makeResnetBase: block must be 'basic' or 'bottleneck', got '${String(block)}'`);
  const stages = stageDepths.flatMap((depth, stage) => new Array<number>(depth).fill(stage));
  const nfms = stages.map((stage) => 2 ** (stage + Math.log2(baseChannels)));
  const layers: Layer[] = [
    new Conv(...convParams(7, baseChannels, { stride: 2 })),
    new Pooling([3, 3], { padding: 1, strides: 2, op: 'max' }),
    module(nfms[0], { first: true }),
  ];
  for (let i = 1; i < nfms.length; i++) layers.push(module(nfms[i], { stride: nfms[i] === nfms[i - 1] ? 1 : 2 }));
  return layers;
}

function resnet(name: string, depths: number[], block: ResnetBlock, opts: NetworkOptions): Layer[] {
  const o = resolve(name, opts);
  return checkInput(name, [
    ...makeResnetBase(depths, block),
    new BatchNorm(),
    new Activation(new Rectlin()),
    new Pooling('all', { op: 'avg' }),
    new Affine(o.nclass, { init: new Kaiming({ local: false }), activation: new Softmax() }),
  ], o.inputShape);
}

/** 11,179,840 parameters at 3×64×64, 2 classes (11,690,816 at 3×224×224, 1000 classes). */
export function resnet18(opts: NetworkOptions = {}): Layer[] {
  return resnet('resnet18', [2, 2, 2, 2], 'basic', opts);
}
export function resnet34(opts: NetworkOptions = {}): Layer[] {
  return resnet('resnet34', [3, 4, 6, 3], 'basic', opts);
}
/** 23,504,448 parameters at 3×64×64, 2 classes (25,548,352 at 3×224×224, 1000 classes). */
export function resnet50(opts: NetworkOptions = {}): Layer[] {
  return resnet('resnet50', [3, 4, 6, 3], 'bottleneck', opts);
}
export function resnet101(opts: NetworkOptions = {}): Layer[] {
  return resnet('resnet101', [3, 4, 23, 3], 'bottleneck', opts);
}
export function resnet152(opts: NetworkOptions = {}): Layer[] {
  return resnet('resnet152', [3, 8, 36, 3], 'bottleneck', opts);
}
