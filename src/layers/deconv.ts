// neon's Deconvolution primitive and Deconv compound (layer.py:1088, :1850; neon-semantics §1.1):
// a transposed convolution, "fprop = conv bprop". fshape is [S, C], [R, S, C] or [T, R, S, C] with
// C = OUTPUT maps; the input's channel count K comes from the input shape. W is stored as
// [K, C, T?, R?, S] (ops/deconv.ts); neon's fan for it is its dimF2 (C·T·R·S, K).
// Output size per spatial dim: (in − 1)·stride − 2·pad + dil·(k − 1) + 1.
import { deconv, deconvOutSize } from '../ops/deconv.ts';
import { shapeString, sizeOf } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import type { BuildContext, LayerConfig, LayerInfo, RunContext } from './layer.ts';
import { baseConfig, resolveWindow, spatialPattern } from './common.ts';
import { Compound, type ConvOptions } from './compound.ts';
import { WindowedParamLayer, jsonOpts, type ConvolutionOptions } from './convolution.ts';

export type DeconvolutionOptions = ConvolutionOptions;

export class Deconvolution extends WindowedParamLayer {
  readonly type = 'Deconvolution';

  constructor(fshape: readonly number[], opts: DeconvolutionOptions = {}) {
    super('Deconvolution', fshape, opts, '[S, C], [R, S, C] or [T, R, S, C] (C = output maps)');
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
