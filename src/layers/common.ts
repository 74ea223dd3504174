// What the concrete layers share: common options, per-dimension window options in neon's three
// spellings, and the owner of a layer's parameter and state tensors.
import type { Initializer } from '../nn/initializers.ts';
import type { Fan } from '../nn/initializers.ts';
import { sizeOf } from '../shape.ts';
import { Tensor, keep } from '../tensor.ts';
import { Layer, type BuildContext, type LayerConfig, type Param, type ParamKind, type StateTensor } from './layer.ts';

export interface LayerOptions {
  /** Default: `<Type>_<counter>`, assigned when the model is built (assignNames). */
  name?: string;
  /** false freezes the layer's parameters (containers freeze everything inside). Read at build time. */
  trainable?: boolean;
}

/** A stride, padding or dilation: one number for every spatial dim, one per dim in order
 *  (depth, height, width; as many as the input has), or neon's str_h/pad_w style as `{ d, h, w }`. */
export type SpatialOption = number | readonly number[] | { readonly d?: number; readonly h?: number; readonly w?: number };

const DIM_KEYS = ['d', 'h', 'w'] as const;

/** A conv-like layer's strides, padding and dilation as given (each a SpatialOption). */
export interface WindowSpec { strides?: SpatialOption; padding?: SpatialOption; dilation?: SpatialOption }

/** The per-dim stride, padding and dilation of a conv-like layer (defaults 1, 0, 1). */
export function resolveWindow(spec: WindowSpec, dims: number): { stride: number[]; pad: number[]; dilation: number[] } {
  return {
    stride: perDimOption('', 'strides', spec.strides, dims, 1, 1),
    pad: perDimOption('', 'padding', spec.padding, dims, 0, 0),
    dilation: perDimOption('', 'dilation', spec.dilation, dims, 1, 1),
  };
}

/** Expands a SpatialOption to `dims` values (the last `dims` of depth, height, width); `fallback`
 *  (one value or one per dim) fills what is not given. */
export function perDimOption(where: string, what: string, value: SpatialOption | undefined, dims: number, fallback: number | readonly number[], min: number): number[] {
  const fb = (i: number) => (typeof fallback === 'number' ? fallback : fallback[i]);
  let list: number[];
  if (value === undefined) list = Array.from({ length: dims }, (_, i) => fb(i));
  else if (typeof value === 'number') list = new Array<number>(dims).fill(value);
  else if (Array.isArray(value)) list = [...(value as readonly number[])];
  else {
    const obj = value as { readonly [k: string]: number | undefined };
    for (const k of Object.keys(obj)) {
      if (!(DIM_KEYS as readonly string[]).includes(k)) throw new Error(`${where}: ${what} keys are d, h, w; got '${k}'`);
    }
    const keys = DIM_KEYS.slice(3 - dims);
    for (const k of DIM_KEYS.slice(0, 3 - dims)) {
      if (obj[k] !== undefined) throw new Error(`${where}: ${what}.${k} given but the layer has ${dims} spatial dim(s) (${keys.join(', ')})`);
    }
    list = keys.map((k, i) => obj[k] ?? fb(i));
  }
  if (list.length !== dims) {
    throw new Error(`${where}: ${what} needs ${dims} value(s) for ${dims} spatial dim(s), got ${JSON.stringify(value)}`);
  }
  for (const v of list) {
    if (!Number.isInteger(v) || v < min) throw new Error(`${where}: ${what} must be integers ≥ ${min}, got ${JSON.stringify(value)}`);
  }
  return list;
}

/** '[C, H, W]' for 2 spatial dims, etc. */
export function spatialPattern(dims: number, channels: number | string = 'C'): string {
  return `[${[String(channels), ...['D', 'H', 'W'].slice(3 - dims)].join(', ')}]`;
}

/** Copies the optional fields of LayerOptions into a config. */
export function baseConfig(layer: Layer): LayerConfig {
  const cfg: LayerConfig = { type: layer.type, name: layer.name };
  if (!layer.trainable) cfg.trainable = false;
  return cfg;
}

interface Owned { suffix: string; kind: ParamKind; value: Tensor }

/** A primitive layer that owns parameters and/or state tensors, named `<layer name>.<suffix>`. */
export abstract class ParamLayer extends Layer {
  private owned: Owned[] = [];
  private stateOwned: { suffix: string; value: Tensor }[] = [];

  constructor(opts: LayerOptions) {
    super(opts.name);
    this.trainable = opts.trainable ?? true;
  }

  /** Draws a parameter from `init` (neon's fan in `fan`), on the backend; frozen layers get no
   *  gradient. With a preset (a loaded model) the values come from it and nothing is drawn. */
  protected addParam(ctx: BuildContext, suffix: string, kind: ParamKind, shape: readonly number[], init: Initializer, fan: Fan): Tensor {
    const data = ctx.preset ? ctx.preset.values(`${this.name}.${suffix}`, shape) : init.fill(sizeOf(shape), fan, ctx.random);
    const t = keep(Tensor.fromArray(ctx.backend, data, shape, { requiresGrad: this.trainable }));
    this.owned.push({ suffix, kind, value: t });
    return t;
  }

  protected addState(ctx: BuildContext, suffix: string, shape: readonly number[], value: number): Tensor {
    const data = ctx.preset ? ctx.preset.values(`${this.name}.${suffix}`, shape) : new Float64Array(sizeOf(shape)).fill(value);
    const t = keep(Tensor.fromArray(ctx.backend, data, shape));
    this.stateOwned.push({ suffix, value: t });
    return t;
  }

  /** Frees what an earlier allocate created (allocating twice re-initialises). */
  protected release(): void {
    for (const o of this.owned) o.value.dispose();
    for (const s of this.stateOwned) s.value.dispose();
    this.owned = [];
    this.stateOwned = [];
  }

  override params(): Param[] {
    return this.owned.map((o) => ({ name: `${this.name}.${o.suffix}`, kind: o.kind, value: o.value, trainable: this.trainable }));
  }

  override states(): StateTensor[] {
    return this.stateOwned.map((s) => ({ name: `${this.name}.${s.suffix}`, value: s.value }));
  }

  override dispose(): void {
    this.release();
  }

  /** Throws unless allocate has run. */
  protected need<T>(t: T | null): T {
    if (t === null) throw new Error(`${this.label()}: forward before allocate (build the model first)`);
    return t;
  }
}

/** A layer without parameters: sets name and trainable from the options. */
export abstract class PlainLayer extends Layer {
  constructor(opts: LayerOptions) {
    super(opts.name);
    this.trainable = opts.trainable ?? true;
  }
}
