// Rebuilds a layer tree from config() JSON (the model file's topology). Every field is checked, so a
// corrupt or hand-edited topology fails with the layer and the field named, never half-built.
import { activationFromConfig, type ActivationTransform } from '../nn/activations.ts';
import { initializerFromConfig, type Initializer } from '../nn/initializers.ts';
import type { PoolMode } from '../kernels.ts';
import { POOL_MODES } from '../ops/pool.ts';
import type { SpatialOption } from './common.ts';
import { Affine, Conv } from './compound.ts';
import { Sequential } from './container.ts';
import { Convolution, Pooling } from './convolution.ts';
import { Deconv, Deconvolution } from './deconv.ts';
import { Graph } from './graph.ts';
import type { Layer, LayerConfig } from './layer.ts';
import { BatchNorm, Bias, Linear } from './linear.ts';
import { MergeBroadcast, MergeSum } from './merge.ts';
import { Activation, DataTransform, Dropout, SkipNode } from './transform.ts';

type Cfg = Readonly<Record<string, unknown>>;

class Reader {
  constructor(readonly cfg: Cfg) {}

  private where(): string {
    return `layer config ${JSON.stringify(this.cfg.name ?? '?')} (${String(this.cfg.type)})`;
  }

  bad(key: string, want: string): never {
    throw new Error(`${this.where()}: '${key}' must be ${want}, got ${JSON.stringify(this.cfg[key])}`);
  }

  num(key: string): number | undefined {
    const v = this.cfg[key];
    if (v === undefined) return undefined;
    return typeof v === 'number' && Number.isFinite(v) ? v : this.bad(key, 'a finite number');
  }

  int(key: string): number {
    const v = this.cfg[key];
    return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : this.bad(key, 'a positive integer');
  }

  bool(key: string): boolean | undefined {
    const v = this.cfg[key];
    if (v === undefined) return undefined;
    return typeof v === 'boolean' ? v : this.bad(key, 'true or false');
  }

  ints(key: string): number[] {
    const v = this.cfg[key];
    return Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isInteger(x)) ? (v as number[]) : this.bad(key, 'a list of integers');
  }

  object(key: string): Cfg {
    const v = this.cfg[key];
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Cfg) : this.bad(key, 'an object');
  }

  list(key: string): Cfg[] {
    const v = this.cfg[key];
    return Array.isArray(v) && v.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x)) ? (v as Cfg[]) : this.bad(key, 'a list of layer configs');
  }

  init(key: string): Initializer | undefined {
    return this.cfg[key] === undefined ? undefined : initializerFromConfig({ ...this.object(key) });
  }

  transform(key: string): ActivationTransform | undefined {
    return this.cfg[key] === undefined ? undefined : activationFromConfig({ ...this.object(key) });
  }

  spatial(key: string): SpatialOption | undefined {
    const v = this.cfg[key];
    if (v === undefined || typeof v === 'number') return v;
    if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v as number[];
    if (typeof v === 'object' && v !== null && Object.values(v).every((x) => typeof x === 'number')) return v as { d?: number; h?: number; w?: number };
    return this.bad(key, 'a number, a list of numbers or { d, h, w }');
  }

  common(): { name?: string; trainable?: boolean } {
    const name = this.cfg.name;
    if (name !== undefined && typeof name !== 'string') this.bad('name', 'a string');
    return { name: name || undefined, trainable: this.bool('trainable') };
  }
}

/** Rebuilds any layer (and everything inside it) from its config(). */
export function layerFromConfig(cfg: LayerConfig | Cfg): Layer {
  if (typeof cfg !== 'object' || cfg === null) throw new Error(`layer config must be an object, got ${JSON.stringify(cfg)}`);
  const r = new Reader(cfg);
  const base = r.common();
  const window = () => ({ strides: r.spatial('strides'), padding: r.spatial('padding'), dilation: r.spatial('dilation') });
  const children = (key: string) => r.list(key).map((c) => layerFromConfig(c));
  switch (cfg.type) {
    case 'Convolution':
      return new Convolution(r.ints('fshape'), { ...base, ...window(), init: r.init('init') });
    case 'Pooling': {
      const f = cfg.fshape;
      const fshape = f === 'all' ? 'all' : typeof f === 'number' ? f : r.ints('fshape');
      const op = cfg.op;
      if (op !== undefined && !(POOL_MODES as readonly unknown[]).includes(op)) r.bad('op', POOL_MODES.map((m) => `'${m}'`).join(', '));
      return new Pooling(fshape, {
        ...base, op: op as PoolMode | undefined, p: r.num('p'), sigma: r.num('sigma'), strides: r.spatial('strides'), padding: r.spatial('padding'),
      });
    }
    case 'Linear':
      return new Linear(r.int('nout'), { ...base, init: r.init('init') });
    case 'Bias':
      return new Bias({ ...base, init: r.init('init') });
    case 'BatchNorm':
      return new BatchNorm({ ...base, rho: r.num('rho'), eps: r.num('eps') });
    case 'Activation':
      return new Activation(activationFromConfig({ ...r.object('transform') }), base);
    case 'DataTransform':
      return new DataTransform(activationFromConfig({ ...r.object('transform') }), base);
    case 'Dropout':
      return new Dropout({ ...base, keep: r.num('keep') });
    case 'SkipNode':
      return new SkipNode(base);
    case 'Deconvolution':
      return new Deconvolution(r.ints('fshape'), { ...base, ...window(), init: r.init('init') });
    case 'Deconv':
      return new Deconv(r.ints('fshape'), {
        ...base, ...window(), init: r.init('init'), bias: r.init('bias'), batchNorm: r.bool('batchNorm'), activation: r.transform('activation'),
      });
    case 'Conv':
      return new Conv(r.ints('fshape'), {
        ...base, ...window(), init: r.init('init'), bias: r.init('bias'), batchNorm: r.bool('batchNorm'), activation: r.transform('activation'),
      });
    case 'Affine':
      return new Affine(r.int('nout'), {
        ...base, init: r.init('init'), bias: r.init('bias'), batchNorm: r.bool('batchNorm'), activation: r.transform('activation'),
      });
    case 'Sequential':
      return new Sequential(children('layers'), base);
    case 'MergeSum':
      return new MergeSum(children('branches'), base);
    case 'MergeBroadcast':
      if (cfg.merge !== 'depth') r.bad('merge', "'depth'");
      return new MergeBroadcast(children('branches'), { ...base, merge: 'depth' });
    case 'Graph': return Graph.fromConfig(cfg, layerFromConfig);
    default:
      throw new Error(`Unknown layer type ${JSON.stringify(cfg.type)} in layer config ${JSON.stringify(cfg.name ?? '?')}`);
  }
}
