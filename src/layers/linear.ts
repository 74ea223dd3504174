// neon's Linear, Bias and BatchNorm primitives (layer.py:1230, 1376, 2352; neon-semantics §2.6).
import { Constant, Xavier, type Initializer } from '../nn/initializers.ts';
import * as ops from '../ops/index.ts';
import { sizeOf } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import type { BuildContext, LayerConfig, LayerInfo, RunContext } from './layer.ts';
import { ParamLayer, baseConfig, type LayerOptions } from './common.ts';

export interface LinearOptions extends LayerOptions {
  /** Default Xavier({ local: false }): the true fan-in (neon's local=true default would use nout). */
  init?: Initializer;
}

function row(layer: ParamLayer, params: number, states: number, macs: number): LayerInfo[] {
  return [{ name: layer.name, type: layer.type, inShape: layer.inShape, outShape: layer.outShape, params, states, macs, workspace: 0 }];
}

/** y = W·x with W [nout, nin]; any input is flattened (nin = the per-sample size). No bias. */
export class Linear extends ParamLayer {
  readonly type = 'Linear';
  readonly nout: number;
  readonly init: Initializer;
  private w: Tensor | null = null;

  constructor(nout: number, opts: LinearOptions = {}) {
    super(opts);
    if (!Number.isInteger(nout) || nout < 1) throw new Error(`Linear: nout must be a positive integer, got ${nout}`);
    this.nout = nout;
    this.init = opts.init ?? new Xavier({ local: false });
  }

  protected infer(inShape: readonly number[]): readonly number[] {
    if (inShape.length === 0) this.fail('with at least one dimension', inShape);
    if (this.w && this.w.shape[1] !== sizeOf(inShape)) this.fail(`with ${this.w.shape[1]} values per sample`, inShape);
    return [this.nout];
  }

  override allocate(ctx: BuildContext): void {
    this.release();
    const nin = sizeOf(this.inShape);
    this.w = this.addParam(ctx, 'W', 'weight', [this.nout, nin], this.init, { first: this.nout, second: nin });
  }

  forward(x: Tensor, _ctx: RunContext): Tensor {
    const w = this.need(this.w);
    return ops.matmul(w, x.shape.length > 2 ? ops.flatten(x) : x);
  }

  override dispose(): void {
    super.dispose();
    this.w = null;
  }

  override info(): LayerInfo[] {
    const p = this.nout * sizeOf(this.inShape);
    return row(this, p, 0, p);
  }

  config(): LayerConfig {
    return { ...baseConfig(this), nout: this.nout, init: this.init.config() };
  }
}

export interface BiasOptions extends LayerOptions {
  /** Default Constant(0). */
  init?: Initializer;
}

/** y[c, …] = x[c, …] + b[c]: one bias per channel (conv) or feature (dense). */
export class Bias extends ParamLayer {
  readonly type = 'Bias';
  readonly init: Initializer;
  private b: Tensor | null = null;

  constructor(opts: BiasOptions = {}) {
    super(opts);
    this.init = opts.init ?? new Constant({ val: 0 });
  }

  protected infer(inShape: readonly number[]): readonly number[] {
    if (inShape.length === 0) this.fail('[C, ...]', inShape);
    if (this.b && this.b.shape[0] !== inShape[0]) this.fail(`[${this.b.shape[0]}, ...]`, inShape);
    return inShape;
  }

  override allocate(ctx: BuildContext): void {
    this.release();
    const c = this.inShape[0];
    this.b = this.addParam(ctx, 'b', 'bias', [c], this.init, { first: c, second: 1 });
  }

  forward(x: Tensor, _ctx: RunContext): Tensor {
    return ops.biasAdd(x, this.need(this.b));
  }

  /** The bias [C] (after build). */
  get bias(): Tensor {
    return this.need(this.b);
  }

  override dispose(): void {
    super.dispose();
    this.b = null;
  }

  override info(): LayerInfo[] {
    return row(this, this.inShape[0], 0, 0);
  }

  config(): LayerConfig {
    return { ...baseConfig(this), init: this.init.config() };
  }
}

export interface BatchNormLayerOptions extends LayerOptions {
  /** Kept fraction of the running statistics per batch (PyTorch momentum = 1 − rho). */
  rho?: number;
  eps?: number;
}

/** Per-channel batch normalisation: gamma = 1, beta = 0; running mean and variance start at 0
 *  (not 1, neon layer.py:2438-2449) and are state, not parameters. Batch statistics in training. */
export class BatchNorm extends ParamLayer {
  readonly type = 'BatchNorm';
  readonly rho: number;
  readonly eps: number;
  private t: { gamma: Tensor; beta: Tensor; runMean: Tensor; runVar: Tensor } | null = null;

  constructor(opts: BatchNormLayerOptions = {}) {
    super(opts);
    this.rho = opts.rho ?? 0.9;
    this.eps = opts.eps ?? 1e-3;
    if (!(this.rho >= 0 && this.rho <= 1)) throw new Error(`BatchNorm: rho must be in [0, 1], got ${this.rho}`);
    if (!(this.eps > 0)) throw new Error(`BatchNorm: eps must be > 0, got ${this.eps}`);
  }

  protected infer(inShape: readonly number[]): readonly number[] {
    if (inShape.length === 0) this.fail('[C, ...]', inShape);
    if (this.t && this.t.gamma.shape[0] !== inShape[0]) this.fail(`[${this.t.gamma.shape[0]}, ...]`, inShape);
    return inShape;
  }

  override allocate(ctx: BuildContext): void {
    this.release();
    const c = this.inShape[0], fan = { first: c, second: 1 };
    const gamma = this.addParam(ctx, 'gamma', 'gamma', [c], new Constant({ val: 1 }), fan);
    const beta = this.addParam(ctx, 'beta', 'beta', [c], new Constant({ val: 0 }), fan);
    this.t = { gamma, beta, runMean: this.addState(ctx, 'runMean', [c], 0), runVar: this.addState(ctx, 'runVar', [c], 0) };
  }

  /** Inference BatchNorm as a per-channel affine y = scale·x + shift, scale = gamma/√(runVar + eps),
   *  shift = beta − runMean·scale, for fusing into the layer before it. Whether any of its tensors
   *  needs a gradient is `needsGrad()`. */
  foldedAffine(): { scale: Tensor; shift: Tensor } {
    const t = this.need(this.t);
    const [g, b, m, v] = [t.gamma, t.beta, t.runMean, t.runVar].map((x) => x.toArray());
    const scale = g.map((gi, i) => gi / Math.sqrt(v[i] + this.eps));
    const shift = b.map((bi, i) => bi - m[i] * scale[i]);
    return { scale: Tensor.fromArray(t.gamma.backend, scale, t.gamma.shape), shift: Tensor.fromArray(t.gamma.backend, shift, t.gamma.shape) };
  }

  /** gamma and beta (the tensors a folded affine is made of). */
  get affineParams(): Tensor[] {
    const t = this.need(this.t);
    return [t.gamma, t.beta];
  }

  /** Batch statistics over one value per channel are that value: the output is beta alone and no
   *  gradient reaches the layers below (ResNet-18 at batch 1 trains to exactly ln 2 forever). */
  private warnSingleValue(x: Tensor, ctx: RunContext): void {
    if (ctx.training && ctx.warn && x.size === x.shape[0]) {
      ctx.warn(`BatchNorm:${this.name}`, `BatchNorm '${this.name}' sees one value per channel in training (input ${JSON.stringify([...x.shape])}, ` +
        'channels first, batch last): its output is then beta alone and nothing below it learns; use a larger batch size');
    }
  }

  forward(x: Tensor, ctx: RunContext): Tensor {
    const t = this.need(this.t);
    this.warnSingleValue(x, ctx);
    return ops.batchNorm(x, t.gamma, t.beta, { runMean: t.runMean, runVar: t.runVar }, { training: ctx.training, rho: this.rho, eps: this.eps });
  }

  /** This BatchNorm and a Rectlin (slope ≥ 0) after it as one op (ops.batchNormRectlin). */
  forwardRectlin(x: Tensor, ctx: RunContext, slope: number): Tensor {
    const t = this.need(this.t);
    this.warnSingleValue(x, ctx);
    const state = { runMean: t.runMean, runVar: t.runVar };
    return ops.batchNormRectlin(x, t.gamma, t.beta, state, { training: ctx.training, rho: this.rho, eps: this.eps, slope });
  }

  override dispose(): void {
    super.dispose();
    this.t = null;
  }

  override info(): LayerInfo[] {
    const c = this.inShape[0];
    return row(this, 2 * c, 2 * c, 0);
  }

  config(): LayerConfig {
    return { ...baseConfig(this), rho: this.rho, eps: this.eps };
  }
}
