// Parameter-free primitives: Activation, DataTransform, Dropout and SkipNode (neon layer.py:434,
// 1455, 1629, 1970; neon-semantics §2.10, §2.13).
import type { ActivationTransform } from '../nn/activations.ts';
import * as ops from '../ops/index.ts';
import { sizeOf } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import type { LayerConfig, LayerInfo, RunContext } from './layer.ts';
import { PlainLayer, baseConfig, type LayerOptions } from './common.ts';

/** y = transform(x), shape-preserving: what Activation and DataTransform share. */
abstract class TransformLayer extends PlainLayer {
  constructor(readonly transform: ActivationTransform, opts: LayerOptions = {}) {
    super(opts);
  }
  protected infer(inShape: readonly number[]): readonly number[] {
    return inShape;
  }
  forward(x: Tensor, _ctx: RunContext): Tensor {
    return this.transform.apply(x);
  }
  config(): LayerConfig {
    return { ...baseConfig(this), transform: this.transform.config() };
  }
}

/** y = f(x). The Model's forwardPre skips a FINAL Activation so the cost can fuse it (Logistic or
 *  Softmax with cross-entropy). */
export class Activation extends TransformLayer {
  readonly type = 'Activation';
}

/** x ↦ f(x) on the input, e.g. DataTransform(new Normalizer({ divisor: 128 })). neon meant it as the
 *  first layer only (its bprop returns nothing); here the transform is an ordinary op, so gradients
 *  would still flow if it sat deeper. */
export class DataTransform extends TransformLayer {
  readonly type = 'DataTransform';
}

export interface DropoutOptions extends LayerOptions {
  /** Probability of keeping a unit (default 0.5). */
  keep?: number;
}

/** neon's Dropout: training multiplies by a mask U(0,1) < keep WITHOUT 1/keep rescaling; inference
 *  multiplies by keep. Masks come from the run context's Random (the Model's seed). */
export class Dropout extends PlainLayer {
  readonly type = 'Dropout';
  readonly keep: number;
  constructor(opts: DropoutOptions = {}) {
    super(opts);
    this.keep = opts.keep ?? 0.5;
    if (!(this.keep > 0 && this.keep <= 1)) throw new Error(`Dropout: keep must be in (0, 1], got ${this.keep}`);
  }
  protected infer(inShape: readonly number[]): readonly number[] {
    return inShape;
  }
  forward(x: Tensor, ctx: RunContext): Tensor {
    return ops.dropout(x, { keep: this.keep, training: ctx.training, random: ctx.random });
  }
  override info(): LayerInfo[] {
    return [{
      name: this.name, type: this.type, inShape: this.inShape, outShape: this.outShape,
      params: 0, states: 0, macs: 0, workspace: sizeOf(this.inShape),
    }];
  }
  config(): LayerConfig {
    return { ...baseConfig(this), keep: this.keep };
  }
}

/** The identity: a residual block's shortcut (MergeSum([SkipNode(), main])). Its output IS its
 *  input (no copy), which the memory estimate accounts for. */
export class SkipNode extends PlainLayer {
  readonly type = 'SkipNode';
  constructor(opts: LayerOptions = {}) {
    super(opts);
  }
  protected infer(inShape: readonly number[]): readonly number[] {
    return inShape;
  }
  forward(x: Tensor, _ctx: RunContext): Tensor {
    return x;
  }
  config(): LayerConfig {
    return baseConfig(this);
  }
}
