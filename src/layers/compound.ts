// neon's compound layers (layer.py:1695-1847, neon-semantics §2.7): Conv = Convolution → [Bias] →
// [BatchNorm] → [Activation], Affine = Linear → [Bias] → [BatchNorm] → [Activation]. No bias unless
// `bias` (an initializer) is given; bias together with batchNorm is an error, as in neon.
// Names follow neon's CompoundLayer: the base primitive takes the compound's name and the others
// append `_bias`, `_bnorm` and `_<Activation type>` (e.g. 'Linear_0', 'Linear_0_Logistic').
import { needsGrad } from '../autograd/mode.ts';
import { checkOptions, checkRole, type FieldSpecs } from '../check.ts';
import { Rectlin, type ActivationTransform } from '../nn/activations.ts';
import type { Initializer } from '../nn/initializers.ts';
import { canFuseConv, type ConvEpilogue } from '../ops/index.ts';
import type { Tensor } from '../tensor.ts';
import type { Layer, LayerConfig, RunContext } from './layer.ts';
import { baseConfig, type LayerOptions, type SpatialOption } from './common.ts';
import { Chain } from './container.ts';
import { Convolution, jsonOpts } from './convolution.ts';
import { Bias, BatchNorm, Linear } from './linear.ts';
import { Activation } from './transform.ts';

export interface CompoundOptions extends LayerOptions {
  init?: Initializer;
  /** A Bias layer initialised with this (neon: `bias=Constant(0)` etc.). Not with batchNorm. */
  bias?: Initializer;
  /** A BatchNorm layer (default rho 0.9, eps 1e-3) after the weights. */
  batchNorm?: boolean;
  activation?: ActivationTransform;
}

export interface ConvOptions extends CompoundOptions {
  strides?: SpatialOption;
  padding?: SpatialOption;
  dilation?: SpatialOption;
}

/** Plain-JS checks of a compound's options: no unknown keys, and objects where objects belong
 *  (Keras habits such as `activation: 'relu'` get a message naming the class to use). */
function checkCompoundOptions(type: string, opts: unknown, extra: FieldSpecs): void {
  const initializer = { kind: 'object', expect: 'an initializer object, e.g. new Kaiming() or new Constant(0)' } as const;
  checkOptions(type, opts, {
    name: 'string', trainable: 'boolean', batchNorm: 'boolean', init: initializer, bias: initializer,
    activation: { kind: 'object', expect: 'an activation object, e.g. new Rectlin(), new Softmax() or new Logistic({ shortcut: true })' },
    ...extra,
  });
  const o = (opts ?? {}) as Record<string, unknown>;
  if (o.activation !== undefined) checkRole(type, "option 'activation'", o.activation, ['apply', 'config'], 'an activation object, e.g. new Rectlin()');
  for (const k of ['init', 'bias']) {
    if (o[k] !== undefined) checkRole(type, `option '${k}'`, o[k], ['fill', 'config'], 'an initializer object, e.g. new Kaiming() or new Constant(0)');
  }
}

function postfilters(type: string, opts: CompoundOptions): Layer[] {
  if (opts.bias && opts.batchNorm) {
    throw new Error(`${type}: batchNorm and bias cannot be combined (neon: 'Batchnorm and bias cannot be combined'); BatchNorm's beta is the bias`);
  }
  const out: Layer[] = [];
  const trainable = opts.trainable;
  if (opts.bias) out.push(new Bias({ init: opts.bias, trainable }));
  if (opts.batchNorm) out.push(new BatchNorm({ trainable }));
  if (opts.activation) out.push(new Activation(opts.activation, { trainable }));
  return out;
}

/** A compound layer: a chain of primitives named after the compound. */
export abstract class Compound extends Chain {
  /** The type whose counter names an unnamed compound: 'Convolution' or 'Linear' (as neon). */
  abstract readonly baseType: string;
  readonly bias: Initializer | undefined;
  readonly batchNorm: boolean;
  readonly activation: ActivationTransform | undefined;

  constructor(base: Layer, opts: CompoundOptions, type: string) {
    super([base, ...postfilters(type, opts)], opts, type);
    this.bias = opts.bias;
    this.batchNorm = opts.batchNorm ?? false;
    this.activation = opts.activation;
    this.applyNames();
  }

  /** Names the primitives after this layer's name (assignNames calls it after naming). */
  applyNames(): void {
    const base = this.name;
    for (const l of this.layers) {
      l.name = !base ? '' : l instanceof Bias ? `${base}_bias` : l instanceof BatchNorm ? `${base}_bnorm`
        : l instanceof Activation ? `${base}_${l.transform.type}` : base;
    }
  }

  protected compoundConfig(): LayerConfig {
    const cfg: LayerConfig = { ...baseConfig(this) };
    if (this.bias) cfg.bias = this.bias.config();
    if (this.batchNorm) cfg.batchNorm = true;
    if (this.activation) cfg.activation = this.activation.config();
    return cfg;
  }
}

/** Conv(fshape, { init, strides, padding, dilation, bias, batchNorm, activation }). */
export class Conv extends Compound {
  readonly type = 'Conv';
  readonly baseType = 'Convolution';
  readonly conv: Convolution;

  constructor(fshape: readonly number[], opts: ConvOptions = {}) {
    checkCompoundOptions('Conv', opts, { strides: 'any', padding: 'any', dilation: 'any' });
    const conv = new Convolution(fshape, {
      init: opts.init, strides: opts.strides, padding: opts.padding, dilation: opts.dilation, trainable: opts.trainable,
    });
    super(conv, opts, 'Conv');
    this.conv = conv;
  }

  config(): LayerConfig {
    const c = this.conv;
    return { ...this.compoundConfig(), fshape: [...c.fshape], ...jsonOpts(c.opts), init: c.init.config() };
  }

  /** Inference runs the convolution, its Bias or BatchNorm (folded into a per-channel affine) and a
   *  Rectlin as one fused kernel where the backend has it (ops/conv-fused.ts); the same values as
   *  the chain up to float32 rounding. Training, gradients, and other activations take the chain. */
  override forward(x: Tensor, ctx: RunContext): Tensor {
    if (ctx.training || !canFuseConv(x) || needsGrad(x, this.conv.weights)) return super.forward(x, ctx);
    const ep: ConvEpilogue = {};
    const temps: Tensor[] = [];
    const post = this.layers;
    let i = 1;
    const affine = post[i];
    if (affine instanceof Bias) {
      if (needsGrad(affine.bias)) return super.forward(x, ctx);
      ep.shift = affine.bias;
      i++;
    } else if (affine instanceof BatchNorm) {
      if (needsGrad(...affine.affineParams)) return super.forward(x, ctx);
      const { scale, shift } = affine.foldedAffine();
      temps.push(scale, shift);
      Object.assign(ep, { scale, shift });
      i++;
    }
    const act = post[i];
    if (act instanceof Activation && act.transform instanceof Rectlin) {
      ep.slope = act.transform.slope;
      i++;
    }
    let y = this.conv.forwardFused(x, ep);
    for (const t of temps) t.dispose();
    for (; i < post.length; i++) y = post[i].forward(y, ctx);
    return y;
  }
}

/** Affine(nout, { init, bias, batchNorm, activation }): a fully connected layer on any input. */
export class Affine extends Compound {
  readonly type = 'Affine';
  readonly baseType = 'Linear';
  readonly linear: Linear;

  constructor(nout: number, opts: CompoundOptions = {}) {
    checkCompoundOptions('Affine', opts, {});
    const linear = new Linear(nout, { init: opts.init, trainable: opts.trainable });
    super(linear, opts, 'Affine');
    this.linear = linear;
  }

  config(): LayerConfig {
    return { ...this.compoundConfig(), nout: this.linear.nout, init: this.linear.init.config() };
  }
}
