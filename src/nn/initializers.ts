// Weight initializers with neon's exact fills (neon initializers/initializer.py, neon-semantics §1.4).
// neon reads "fan" from ITS weight shapes: Conv W is (C·T·R·S, K) and Linear W is (nout, nin);
// `local` picks the first dim, otherwise the second. Our storage order differs (conv W is
// [K, C, T, R, S]), so layers pass the fan in neon's terms and initializers never look at storage.
// Trap (the course's CNN-1 head): for an Affine, Xavier()/Kaiming() with the default local=true use
// fan = nout, not the fan-in; `Xavier({ local: false })` is the true fan-in there.
import type { Random } from '../random.ts';

/** The two dims of neon's weight shape: conv (C·T·R·S, K), linear (nout, nin). */
export interface Fan {
  first: number;
  second: number;
}

export interface Initializer {
  readonly type: string;
  /** `n` values, drawn in order from `random`. */
  fill(n: number, fan: Fan, random: Random): Float64Array;
  config(): Record<string, unknown>;
}

function draw(n: number, f: () => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f();
  return out;
}

function checkFan(cls: string, fan: number): number {
  if (!(fan > 0)) throw new Error(`${cls}: fan must be positive, got ${fan}`);
  return fan;
}

/** All values `val`. */
export class Constant implements Initializer {
  readonly type = 'Constant';
  readonly val: number;
  constructor({ val = 0 }: { val?: number } = {}) {
    this.val = val;
  }
  fill(n: number, _fan?: Fan, _random?: Random): Float64Array {
    return new Float64Array(n).fill(this.val);
  }
  config(): Record<string, unknown> {
    return { type: this.type, val: this.val };
  }
}

/** U(low, high). */
export class Uniform implements Initializer {
  readonly type = 'Uniform';
  readonly low: number;
  readonly high: number;
  constructor({ low = 0, high = 1 }: { low?: number; high?: number } = {}) {
    if (!(high >= low)) throw new Error(`Uniform: high (${high}) must be ≥ low (${low})`);
    this.low = low;
    this.high = high;
  }
  fill(n: number, _fan: Fan, random: Random): Float64Array {
    return draw(n, () => this.low + (this.high - this.low) * random.uniform());
  }
  config(): Record<string, unknown> {
    return { type: this.type, low: this.low, high: this.high };
  }
}

/** N(loc, scale²): `scale` is the standard deviation. */
export class Gaussian implements Initializer {
  readonly type = 'Gaussian';
  readonly loc: number;
  readonly scale: number;
  constructor({ loc = 0, scale = 1 }: { loc?: number; scale?: number } = {}) {
    if (!(scale >= 0)) throw new Error(`Gaussian: scale (the standard deviation) must be ≥ 0, got ${scale}`);
    this.loc = loc;
    this.scale = scale;
  }
  fill(n: number, _fan: Fan, random: Random): Float64Array {
    return draw(n, () => this.loc + this.scale * random.normal());
  }
  config(): Record<string, unknown> {
    return { type: this.type, loc: this.loc, scale: this.scale };
  }
}

/** U(±k), k = √(6 / (first + second)). */
export class GlorotUniform implements Initializer {
  readonly type = 'GlorotUniform';
  fill(n: number, fan: Fan, random: Random): Float64Array {
    const k = Math.sqrt(6 / checkFan(this.type, fan.first + fan.second));
    return draw(n, () => k * (2 * random.uniform() - 1));
  }
  config(): Record<string, unknown> {
    return { type: this.type };
  }
}

/** U(±k), k = √(3 / fan), fan = first if local else second. */
export class Xavier implements Initializer {
  readonly type = 'Xavier';
  readonly local: boolean;
  constructor({ local = true }: { local?: boolean } = {}) {
    this.local = local;
  }
  fill(n: number, fan: Fan, random: Random): Float64Array {
    const k = Math.sqrt(3 / checkFan(this.type, this.local ? fan.first : fan.second));
    return draw(n, () => k * (2 * random.uniform() - 1));
  }
  config(): Record<string, unknown> {
    return { type: this.type, local: this.local };
  }
}

/** N(0, 2 / fan), fan = first if local else second (He et al. 2015). */
export class Kaiming implements Initializer {
  readonly type = 'Kaiming';
  readonly local: boolean;
  constructor({ local = true }: { local?: boolean } = {}) {
    this.local = local;
  }
  fill(n: number, fan: Fan, random: Random): Float64Array {
    const std = Math.sqrt(2 / checkFan(this.type, this.local ? fan.first : fan.second));
    return draw(n, () => std * random.normal());
  }
  config(): Record<string, unknown> {
    return { type: this.type, local: this.local };
  }
}

function num(cfg: Record<string, unknown>, key: string): number | undefined {
  const v = cfg[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number') throw new Error(`initializer ${String(cfg.type)}: '${key}' must be a number, got ${JSON.stringify(v)}`);
  return v;
}

function bool(cfg: Record<string, unknown>, key: string): boolean | undefined {
  const v = cfg[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new Error(`initializer ${String(cfg.type)}: '${key}' must be a boolean, got ${JSON.stringify(v)}`);
  return v;
}

/** Rebuilds an initializer from its config(). */
export function initializerFromConfig(cfg: Record<string, unknown>): Initializer {
  switch (cfg.type) {
    case 'Constant': return new Constant({ val: num(cfg, 'val') });
    case 'Uniform': return new Uniform({ low: num(cfg, 'low'), high: num(cfg, 'high') });
    case 'Gaussian': return new Gaussian({ loc: num(cfg, 'loc'), scale: num(cfg, 'scale') });
    case 'GlorotUniform': return new GlorotUniform();
    case 'Xavier': return new Xavier({ local: bool(cfg, 'local') });
    case 'Kaiming': return new Kaiming({ local: bool(cfg, 'local') });
    default:
      throw new Error(`Unknown initializer type ${JSON.stringify(cfg.type)} (known: Constant, Uniform, Gaussian, GlorotUniform, Xavier, Kaiming)`);
  }
}
