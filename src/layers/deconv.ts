// neon's Deconvolution primitive and Deconv compound (layer.py:1088, :1850; neon-semantics §1.1):
// a transposed convolution, "fprop = conv bprop". fshape is [S, C], [R, S, C] or [T, R, S, C] with
// C = OUTPUT maps; the input's channel count K comes from the input shape. W is stored as
// [K, C, T?, R?, S] (ops/deconv.ts); neon's fan for it is its dimF2 (C·T·R·S, K).
// Output size per spatial dim: (in − 1)·stride − 2·pad + dil·(k − 1) + 1.
import { Kaiming, type Initializer } from '../nn/initializers.ts';
import { deconv, deconvOutSize } from '../ops/deconv.ts';
import { shapeString, sizeOf } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import type { BuildContext, LayerConfig, LayerInfo, RunContext } from './layer.ts';
import { ParamLayer, baseConfig, resolveWindow, spatialPattern, type SpatialOption } from './common.ts';
import { Compound, type ConvOptions } from './compound.ts';
import { jsonOpts, type ConvolutionOptions } from './convolution.ts';

export type DeconvolutionOptions = ConvolutionOptions;

export class Deconvolution extends ParamLayer {
  readonly type = 'Deconvolution';
  readonly fshape: readonly number[];
  readonly init: Initializer;
  readonly opts: { strides?: SpatialOption; padding?: SpatialOption; dilation?: SpatialOption };
  private geom: { stride: number[]; pad: number[]; dilation: number[] } | null = null;
  private w: Tensor | null = null;

  constructor(fshape: readonly number[], opts: DeconvolutionOptions = {}) {
    super(opts);
    if (!Array.isArray(fshape) || fshape.length < 2 || fshape.length > 4 || fshape.some((v) => !Number.isInteger(v) || v < 1)) {
      throw new Error(`Deconvolution: fshape must be [S, C], [R, S, C] or [T, R, S, C] with positive integers (C = output maps), got ${JSON.stringify(fshape)}`);
    }
    this.fshape = [...fshape];
    this.init = opts.init ?? new Kaiming();
    this.opts = { strides: opts.strides, padding: opts.padding, dilation: opts.dilation };
  }

  get window(): number[] {
    return this.fshape.slice(0, -1);
  }

  /** C, the output feature maps. */
  get nout(): number {
    return this.fshape[this.fshape.length - 1];
  }

  protected infer(inShape: readonly number[]): readonly number[] {
    const dims = this.window.length;
    const pattern = spatialPattern(dims, this.w ? this.w.shape[0] : 'K');
    if (inShape.length !== dims + 1) this.fail(pattern, inShape);
    if (this.w && this.w.shape[0] !== inShape[0]) this.fail(pattern, inShape);
    try {
      const geom = resolveWindow(this.opts, dims);
      const out = deconvOutSize('', inShape.slice(1), this.window, { stride: geom.stride, pad: geom.pad, dilation: geom.dilation });
      this.geom = geom;
      return [this.nout, ...out];
    } catch (e) {
      throw new Error(`${this.label()}: input ${shapeString(inShape)}${e instanceof Error ? e.message : String(e)}`);
    }
  }

  override allocate(ctx: BuildContext): void {
    this.release();
    const k = this.inShape[0];
    this.w = this.addParam(ctx, 'W', 'weight', [k, this.nout, ...this.window], this.init, { first: this.nout * sizeOf(this.window), second: k });
  }

  forward(x: Tensor, _ctx: RunContext): Tensor {
    const g = this.need(this.geom);
    return deconv(x, this.need(this.w), { stride: g.stride, pad: g.pad, dilation: g.dilation });
  }

  override dispose(): void {
    super.dispose();
    this.w = null;
  }

  /** Multiply–adds: every input value meets C·T·R·S weights. The column matrix of the forward is
   *  freed before it returns (backward rebuilds it from dy), so nothing extra is kept. */
  override info(): LayerInfo[] {
    const k = this.inShape[0];
    const params = k * this.nout * sizeOf(this.window);
    return [{
      name: this.name, type: this.type, inShape: this.inShape, outShape: this.outShape,
      params, states: 0, macs: params * sizeOf(this.inShape.slice(1)), workspace: 0,
    }];
  }

  config(): LayerConfig {
    return { ...baseConfig(this), fshape: [...this.fshape], ...jsonOpts(this.opts), init: this.init.config() };
  }
}

/** Deconv(fshape, { init, strides, padding, dilation, bias, batchNorm, activation }): neon's
 *  compound, Deconvolution → [Bias] → [BatchNorm] → [Activation]. */
export class Deconv extends Compound {
  readonly type = 'Deconv';
  readonly baseType = 'Deconvolution';
  readonly deconv: Deconvolution;

  constructor(fshape: readonly number[], opts: ConvOptions = {}) {
    const base = new Deconvolution(fshape, {
      init: opts.init, strides: opts.strides, padding: opts.padding, dilation: opts.dilation, trainable: opts.trainable,
    });
    super(base, opts, 'Deconv');
    this.deconv = base;
  }

  config(): LayerConfig {
    const d = this.deconv;
    return { ...this.compoundConfig(), fshape: [...d.fshape], ...jsonOpts(d.opts), init: d.init.config() };
  }
}
