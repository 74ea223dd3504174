// neon's Convolution and Pooling primitives (layer.py:499-909; neon-semantics §2.2–2.3).
// fshape follows neon: [S, K] (1-D), [R, S, K] (2-D) or [T, R, S, K] (3-D), K = output maps; the
// input channel count C comes from the input shape. W is stored as [K, C, T?, R?, S] (the conv op's
// layout); neon's fan for it is (C·T·R·S, K). No bias: Conv(bias: …) adds a Bias layer.
import { Kaiming, type Initializer } from '../nn/initializers.ts';
import * as ops from '../ops/index.ts';
import { poolParams } from '../ops/pool.ts';
import { shapeString, sizeOf, spatialOut, windowGeometry } from '../shape.ts';
import type { PoolMode } from '../kernels.ts';
import type { Tensor } from '../tensor.ts';
import type { BuildContext, LayerConfig, LayerInfo, RunContext } from './layer.ts';
import {
  ParamLayer, PlainLayer, baseConfig, perDimOption, resolveWindow, spatialPattern,
  type LayerOptions, type SpatialOption,
} from './common.ts';

export interface ConvolutionOptions extends LayerOptions {
  strides?: SpatialOption;
  padding?: SpatialOption;
  dilation?: SpatialOption;
  /** Default Kaiming() (local: the true fan-in C·T·R·S for a conv). */
  init?: Initializer;
}

interface Resolved { stride: number[]; pad: number[]; dilation: number[] }

/** What Convolution and Deconvolution share: the neon fshape (window, then output maps), the
 *  initializer, stride/padding/dilation options, and the weights and resolved geometry once built. */
export abstract class WindowedParamLayer extends ParamLayer {
  readonly fshape: readonly number[];
  readonly init: Initializer;
  readonly opts: { strides?: SpatialOption; padding?: SpatialOption; dilation?: SpatialOption };
  protected geom: Resolved | null = null;
  protected w: Tensor | null = null;

  /** `fshapeHint` names the accepted fshape forms in the error for a bad one. */
  constructor(type: string, fshape: readonly number[], opts: ConvolutionOptions, fshapeHint: string) {
    super(opts);
    if (!Array.isArray(fshape) || fshape.length < 2 || fshape.length > 4 || fshape.some((v) => !Number.isInteger(v) || v < 1)) {
      throw new Error(`${type}: fshape must be ${fshapeHint} with positive integers, got ${JSON.stringify(fshape)}`);
    }
    this.fshape = [...fshape];
    this.init = opts.init ?? new Kaiming();
    this.opts = { strides: opts.strides, padding: opts.padding, dilation: opts.dilation };
  }

  get window(): number[] {
    return this.fshape.slice(0, -1);
  }

  /** The output feature maps (the last entry of fshape). */
  get nout(): number {
    return this.fshape[this.fshape.length - 1];
  }

  override dispose(): void {
    super.dispose();
    this.w = null;
  }
}

export class Convolution extends WindowedParamLayer {
  readonly type = 'Convolution';

  constructor(fshape: readonly number[], opts: ConvolutionOptions = {}) {
    super('Convolution', fshape, opts, '[S, K], [R, S, K] or [T, R, S, K]');
  }

  protected infer(inShape: readonly number[]): readonly number[] {
    const dims = this.window.length;
    const pattern = spatialPattern(dims, this.w ? this.w.shape[1] : 'C');
    if (inShape.length !== dims + 1) this.fail(pattern, inShape);
    if (this.w && this.w.shape[1] !== inShape[0]) this.fail(pattern, inShape);
    try {
      const geom = resolveWindow(this.opts, dims);
      const g = windowGeometry('', [...inShape, 1], this.window, geom, false);
      this.geom = geom;
      return [this.nout, ...spatialOut(g, dims)];
    } catch (e) {
      throw new Error(`${this.label()}: input ${shapeString(inShape)}${e instanceof Error ? e.message : String(e)}`);
    }
  }

  override allocate(ctx: BuildContext): void {
    this.release();
    const c = this.inShape[0];
    const rows = c * sizeOf(this.window);
    this.w = this.addParam(ctx, 'W', 'weight', [this.nout, c, ...this.window], this.init, { first: rows, second: this.nout });
  }

  forward(x: Tensor, _ctx: RunContext): Tensor {
    const g = this.need(this.geom);
    return ops.conv(x, this.need(this.w), { stride: g.stride, pad: g.pad, dilation: g.dilation });
  }

  /** Inference through the fused kernel with what follows in a Conv compound (ops/conv-fused.ts). */
  forwardFused(x: Tensor, ep: ops.ConvEpilogue): Tensor {
    const g = this.need(this.geom);
    return ops.convFused(x, this.need(this.w), { stride: g.stride, pad: g.pad, dilation: g.dilation }, ep);
  }

  /** The weights [K, C, ...window] (after build). */
  get weights(): Tensor {
    return this.need(this.w);
  }

  override info(): LayerInfo[] {
    const g = this.need(this.geom);
    const c = this.inShape[0], vol = sizeOf(this.window);
    const p = sizeOf(this.outShape.slice(1));
    const params = this.nout * c * vol;
    const pointwise = vol === 1 && g.stride.every((v) => v === 1) && g.pad.every((v) => v === 0);
    const geometry = windowGeometry('', [...this.inShape, 1], this.window, g, false);
    return [{
      name: this.name, type: this.type, inShape: this.inShape, outShape: this.outShape,
      params, states: 0, macs: params * p, workspace: pointwise ? 0 : c * vol * p,
      conv: { geometry, k: this.nout },
    }];
  }

  config(): LayerConfig {
    return { ...baseConfig(this), fshape: [...this.fshape], ...jsonOpts(this.opts), init: this.init.config() };
  }
}

export interface PoolingOptions extends LayerOptions {
  op?: PoolMode;
  /** op 'lp': the exponent p ≥ 1 (default 2, the same values as 'l2'). */
  p?: number;
  /** op 'weighted': σ of the Gaussian weights exp(−d²/(2σ²)), in input cells (default 1). */
  sigma?: number;
  /** Default: the window (non-overlapping), as neon. */
  strides?: SpatialOption;
  padding?: SpatialOption;
}

/** Max, average, L2, Lp or Gaussian-weighted pooling. Padded cells are ignored (max never picks
 *  them, avg divides by the valid count, weighted renormalises over the valid cells); padding ≥
 *  window is an error; 'all' pools each map to one value (global pooling). */
export class Pooling extends PlainLayer {
  readonly type = 'Pooling';
  readonly fshape: number | readonly number[] | 'all';
  readonly op: PoolMode;
  /** The exponent ('lp') or σ ('weighted'), defaults filled in; empty for the other ops. */
  readonly opParams: { p?: number; sigma?: number };
  readonly opts: { strides?: SpatialOption; padding?: SpatialOption };
  private resolved: { window: number[]; stride: number[]; pad: number[] } | null = null;

  constructor(fshape: number | readonly number[] | 'all', opts: PoolingOptions = {}) {
    super(opts);
    if (fshape !== 'all' && !(typeof fshape === 'number' ? Number.isInteger(fshape) && fshape >= 1
      : Array.isArray(fshape) && fshape.length >= 1 && fshape.length <= 3 && fshape.every((v) => Number.isInteger(v) && v >= 1))) {
      throw new Error(`Pooling: fshape must be a positive integer, [R, S] (1 to 3 dims) or 'all', got ${JSON.stringify(fshape)}`);
    }
    const op = opts.op ?? 'max';
    this.opParams = poolParams('Pooling', op, opts.p, opts.sigma);
    this.fshape = typeof fshape === 'object' ? [...fshape] : fshape;
    this.op = op;
    this.opts = { strides: opts.strides, padding: opts.padding };
  }

  protected infer(inShape: readonly number[]): readonly number[] {
    const dims = Array.isArray(this.fshape) ? this.fshape.length : inShape.length - 1;
    if (inShape.length !== dims + 1 || dims < 1 || dims > 3) {
      this.fail(dims >= 1 && dims <= 3 ? spatialPattern(dims) : '[C, 1 to 3 spatial dims]', inShape);
    }
    const spatial = inShape.slice(1);
    const window = this.fshape === 'all' ? spatial
      : typeof this.fshape === 'number' ? new Array<number>(dims).fill(this.fshape) : [...this.fshape];
    try {
      const stride = perDimOption('', 'strides', this.opts.strides, dims, window, 1);
      const pad = perDimOption('', 'padding', this.opts.padding, dims, 0, 0);
      const g = windowGeometry('', [...inShape, 1], window, { stride, pad }, true);
      this.resolved = { window, stride, pad };
      return [inShape[0], ...spatialOut(g, dims)];
    } catch (e) {
      throw new Error(`${this.label()}: input ${shapeString(inShape)}${e instanceof Error ? e.message : String(e)}`);
    }
  }

  forward(x: Tensor, _ctx: RunContext): Tensor {
    const r = this.resolved;
    if (!r) throw new Error(`${this.label()}: forward before the model was built`);
    return ops.pool(x, { window: r.window, stride: r.stride, pad: r.pad, op: this.op, ...this.opParams });
  }

  override info(): LayerInfo[] {
    const out = sizeOf(this.outShape);
    return [{
      name: this.name, type: this.type, inShape: this.inShape, outShape: this.outShape,
      params: 0, states: 0, macs: 0, workspace: this.op === 'max' ? out : 0,
    }];
  }

  config(): LayerConfig {
    const fshape = typeof this.fshape === 'object' ? [...this.fshape] : this.fshape;
    return { ...baseConfig(this), fshape, op: this.op, ...this.opParams, ...jsonOpts(this.opts) };
  }
}

/** The window options that were given, as JSON (undefined ones left out). */
export function jsonOpts(opts: Readonly<Record<string, SpatialOption | undefined>>): Record<string, SpatialOption> {
  const out: Record<string, SpatialOption> = {};
  for (const [k, v] of Object.entries(opts)) {
    if (v !== undefined) out[k] = typeof v === 'object' ? (Array.isArray(v) ? [...(v as readonly number[])] : { ...v }) : v;
  }
  return out;
}
