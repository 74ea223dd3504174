// Containers (neon container.py): a Container owns child layers and forwards params, states and
// summary rows from them; a Chain runs its children in order (Sequential and the compound Conv and
// Affine). Nested lists flatten, as neon's Sequential flattens compound layers (which are lists).
import { Rectlin, type ActivationTransform } from '../nn/activations.ts';
import type { Tensor } from '../tensor.ts';
import { isRecording } from '../autograd/mode.ts';
import { Layer, type BuildContext, type LayerConfig, type LayerInfo, type Param, type RunContext, type StateTensor } from './layer.ts';
import { baseConfig, type LayerOptions } from './common.ts';
import { Activation } from './transform.ts';
import { Pooling } from './convolution.ts';
import { BatchNorm } from './linear.ts';

/** Layers, possibly nested in lists: `[conv, [bn, act], pool]` is the same as the flat list. */
export type LayerList = readonly (Layer | LayerList)[];

export function flattenLayers(list: LayerList): Layer[] {
  const out: Layer[] = [];
  for (const item of list) {
    if (item instanceof Layer) out.push(item);
    else if (Array.isArray(item)) out.push(...flattenLayers(item));
    else throw new Error(`Expected a layer or a list of layers, got ${describe(item)}`);
  }
  return out;
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'object') return `an object (${(v as object).constructor?.name ?? 'Object'})`;
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** forwardPre's result: the input of a final Activation and its transform, or the whole output. */
export interface ForwardPre {
  pre: Tensor;
  final: ActivationTransform | null;
}

export abstract class Container extends Layer {
  constructor(opts: LayerOptions) {
    super(opts.name);
    this.trainable = opts.trainable ?? true;
  }

  abstract override children(): Layer[];

  /** Allocates every child in order (initial weights are drawn in layer order); a frozen container
   *  freezes everything inside it. */
  override allocate(ctx: BuildContext): void {
    for (const c of this.children()) {
      if (!this.trainable) c.trainable = false;
      c.allocate(ctx);
    }
  }

  override params(): Param[] {
    return this.children().flatMap((c) => c.params());
  }

  override states(): StateTensor[] {
    return this.children().flatMap((c) => c.states());
  }

  override info(): LayerInfo[] {
    return this.children().flatMap((c) => c.info());
  }

  override dispose(): void {
    for (const c of this.children()) c.dispose();
  }
}

/** Children run one after the other. */
export abstract class Chain extends Container {
  protected readonly layers: Layer[];

  constructor(layers: LayerList, opts: LayerOptions, type: string) {
    super(opts);
    if (!Array.isArray(layers)) throw new Error(`${type}: expected a list of layers, got ${describe(layers)}`);
    this.layers = flattenLayers(layers);
    if (this.layers.length === 0) throw new Error(`${type}: needs at least one layer`);
  }

  children(): Layer[] {
    return this.layers;
  }

  protected infer(inShape: readonly number[]): readonly number[] {
    let shape = inShape;
    for (const l of this.layers) shape = l.configure(shape);
    return shape;
  }

  forward(x: Tensor, ctx: RunContext): Tensor {
    return this.run(0, this.layers.length, x, ctx);
  }

  /** Runs everything except a FINAL Activation (looking into a trailing compound or Sequential,
   *  e.g. Affine(2, { activation: Logistic })), returning that activation's input and transform so
   *  the cost can fuse Logistic/Softmax with cross-entropy. Without one, `final` is null. */
  forwardPre(x: Tensor, ctx: RunContext): ForwardPre {
    const n = this.layers.length;
    const last = this.layers[n - 1];
    if (last instanceof Activation) return { pre: this.run(0, n - 1, x, ctx), final: last.transform };
    if (last instanceof Chain) return last.forwardPre(this.run(0, n - 1, x, ctx), ctx);
    return { pre: this.run(0, n, x, ctx), final: null };
  }

  /** Runs layers [from, to) on x.
   *  - Training: BatchNorm followed by Rectlin with slope ≥ 0 runs as one op (ops.batchNormRectlin:
   *    forward, the normalisation writes the activated output, saving Rectlin's own read and write;
   *    backward, two sweeps instead of five).
   *  - Training: Rectlin with slope ≥ 0 (alone or ending a compound) followed by max pooling runs
   *    as max pooling then Rectlin. The same values, and the same gradients — Rectlin is
   *    non-decreasing, so the window's maximum is the same cell, and max pooling never picks a
   *    padded cell; the one exception is a leaky slope rounding two different negative inputs to
   *    the same output, where the gradient may go to the other of the tied cells — while the
   *    activation and its gradient touch only the pooled values (a quarter in CNN-1).
   *  - Inference off the tape: an intermediate output is dead once the next layer has read it, so
   *    it is freed at once (peak memory: a layer's input and output, not every output). The chain's
   *    own input is the caller's (MergeSum hands it to every branch) and stays. */
  private run(from: number, to: number, x: Tensor, ctx: RunContext): Tensor {
    const free = !ctx.training && !isRecording();
    let y = x;
    for (let i = from; i < to; i++) {
      const l = this.layers[i], after = i + 1 < to ? this.layers[i + 1] : null;
      let next: Tensor;
      if (ctx.training && l instanceof BatchNorm && after instanceof Activation && endsInRectlin(after)) {
        next = l.forwardRectlin(y, ctx, (after.transform as Rectlin).slope);
        i++;
      } else if (ctx.training && after instanceof Pooling && after.op === 'max' && endsInRectlin(l)) {
        const split = l instanceof Chain ? l.forwardPre(y, ctx) : { pre: y, final: (l as Activation).transform };
        next = (split.final as ActivationTransform).apply(after.forward(split.pre, ctx)); // endsInRectlin: not null
        i++;
      } else {
        next = l.forward(y, ctx);
      }
      if (free && y !== x && next !== y) y.dispose();
      y = next;
    }
    return y;
  }
}

/** Whether a layer's output is a non-decreasing Rectlin's (slope ≥ 0): an Activation(Rectlin), or
 *  a chain whose last layer is. A negative slope is not monotone and may not swap with max pooling. */
function endsInRectlin(l: Layer): boolean {
  if (l instanceof Activation) return l.transform instanceof Rectlin && l.transform.slope >= 0;
  if (l instanceof Chain) return endsInRectlin(l.children()[l.children().length - 1]);
  return false;
}

/** neon's Sequential: the model's root and every MergeSum branch. */
export class Sequential extends Chain {
  readonly type = 'Sequential';

  constructor(layers: LayerList, opts: LayerOptions = {}) {
    super(layers, opts, 'Sequential');
  }

  config(): LayerConfig {
    return { ...baseConfig(this), layers: this.layers.map((l) => l.config()) };
  }
}
