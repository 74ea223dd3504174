// Activation transforms (neon transforms/activation.py, neon-semantics §1.3). Each applies a
// differentiable op; autograd supplies the derivative, evaluated from the forward output as neon's
// Activation.bprop does (§2.16).
// Trap: neon's Softmax.bprop always returns 1 and Logistic(shortcut=True).bprop returns 1, i.e. they
// assume the cross-entropy cost supplies y − t (§2.4–2.5). Here `shortcut` only tells the cost that it
// may fuse the activation with its cross-entropy on the pre-activation (exactly y − t); `apply`
// always uses the true derivative, so a shortcut activation that is not the model's final layer
// still back-propagates correctly (neon would pass the error through unchanged).
import * as ops from '../ops/index.ts';
import type { Tensor } from '../tensor.ts';

export interface ActivationTransform {
  /** neon's class name: 'Rectlin', 'Softmax', … */
  readonly type: string;
  apply(x: Tensor): Tensor;
  /** JSON: `{ type, ...options }`, read back by activationFromConfig. */
  config(): Record<string, unknown>;
}

export class Identity implements ActivationTransform {
  readonly type = 'Identity';
  apply(x: Tensor): Tensor {
    return ops.scale(x, 1);
  }
  config(): Record<string, unknown> {
    return { type: this.type };
  }
}

/** max(x, 0) + slope·min(x, 0). */
export class Rectlin implements ActivationTransform {
  readonly type = 'Rectlin';
  readonly slope: number;
  constructor({ slope = 0 }: { slope?: number } = {}) {
    this.slope = finite('Rectlin', 'slope', slope);
  }
  apply(x: Tensor): Tensor {
    return ops.rectlin(x, this.slope);
  }
  config(): Record<string, unknown> {
    return { type: this.type, slope: this.slope };
  }
}

/** ELU: max(x, 0) + alpha·(exp(min(x, 0)) − 1) (§2.9). */
export class Explin implements ActivationTransform {
  readonly type = 'Explin';
  readonly alpha: number;
  constructor({ alpha = 1 }: { alpha?: number } = {}) {
    this.alpha = finite('Explin', 'alpha', alpha);
  }
  apply(x: Tensor): Tensor {
    return ops.explin(x, this.alpha);
  }
  config(): Record<string, unknown> {
    return { type: this.type, alpha: this.alpha };
  }
}

/** 1 / (1 + e^−x). neon's default is shortcut=false; the course's heads pass shortcut: true. */
export class Logistic implements ActivationTransform {
  readonly type = 'Logistic';
  readonly shortcut: boolean;
  constructor({ shortcut = false }: { shortcut?: boolean } = {}) {
    this.shortcut = shortcut;
  }
  apply(x: Tensor): Tensor {
    return ops.logistic(x);
  }
  config(): Record<string, unknown> {
    return { type: this.type, shortcut: this.shortcut };
  }
}

export class Tanh implements ActivationTransform {
  readonly type = 'Tanh';
  apply(x: Tensor): Tensor {
    return ops.tanh(x);
  }
  config(): Record<string, unknown> {
    return { type: this.type };
  }
}

/** Max-subtracted softmax over axis 0 (the classes). shortcut defaults to true: neon's Softmax
 *  always assumes CrossEntropyMulti (§2.5). */
export class Softmax implements ActivationTransform {
  readonly type = 'Softmax';
  readonly shortcut: boolean;
  constructor({ shortcut = true }: { shortcut?: boolean } = {}) {
    this.shortcut = shortcut;
  }
  apply(x: Tensor): Tensor {
    return ops.softmax(x);
  }
  config(): Record<string, unknown> {
    return { type: this.type, shortcut: this.shortcut };
  }
}

/** neon's PixelwiseSoftmax(c): a softmax over the channels of every pixel (the lecture's S[i, j, k],
 *  class probabilities per pixel). In Argon's [C, ...spatial, N] layout that is exactly the softmax
 *  kernel with classes = C and batch = spatial·N, i.e. ops.softmax. `c`, when given, must match the
 *  input's channels. shortcut (default true) lets PixelwiseCrossEntropy fuse it (gradient y − t). */
export class PixelwiseSoftmax implements ActivationTransform {
  readonly type = 'PixelwiseSoftmax';
  readonly c: number | undefined;
  readonly shortcut: boolean;
  constructor({ c, shortcut = true }: { c?: number; shortcut?: boolean } = {}) {
    if (c !== undefined && !(Number.isInteger(c) && c >= 1)) throw new Error(`PixelwiseSoftmax: c must be a positive integer, got ${String(c)}`);
    this.c = c;
    this.shortcut = shortcut;
  }
  apply(x: Tensor): Tensor {
    this.checkShape(x.shape);
    return ops.softmax(x);
  }
  /** Throws unless the input's channels equal `c` (when given); also used where the cost fuses the
   *  softmax away and at build time. */
  checkShape(shape: readonly number[]): void {
    if (this.c !== undefined && shape[0] !== this.c) {
      throw new Error(`PixelwiseSoftmax: expected ${this.c} channels (c), got input [${shape.join(', ')}]`);
    }
  }
  config(): Record<string, unknown> {
    return this.c === undefined ? { type: this.type, shortcut: this.shortcut } : { type: this.type, c: this.c, shortcut: this.shortcut };
  }
}

/** x / divisor: the course's `DataTransform(Normalizer(divisor=128.0))` maps 0–255 to [0, 1.992]. */
export class Normalizer implements ActivationTransform {
  readonly type = 'Normalizer';
  readonly divisor: number;
  constructor({ divisor = 128 }: { divisor?: number } = {}) {
    this.divisor = finite('Normalizer', 'divisor', divisor);
    if (divisor === 0) throw new Error('Normalizer: divisor must not be 0');
  }
  apply(x: Tensor): Tensor {
    return ops.scale(x, 1 / this.divisor);
  }
  config(): Record<string, unknown> {
    return { type: this.type, divisor: this.divisor };
  }
}

function finite(cls: string, name: string, v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${cls}: ${name} must be a finite number, got ${String(v)}`);
  return v;
}

function option<T>(cfg: Record<string, unknown>, key: string, kind: 'number' | 'boolean'): T | undefined {
  const v = cfg[key];
  if (v === undefined) return undefined;
  if (typeof v !== kind) throw new Error(`activation ${String(cfg.type)}: '${key}' must be a ${kind}, got ${JSON.stringify(v)}`);
  return v as T;
}

/** Rebuilds a transform from its config() (the model file's topology). */
export function activationFromConfig(cfg: Record<string, unknown>): ActivationTransform {
  switch (cfg.type) {
    case 'Identity': return new Identity();
    case 'Rectlin': return new Rectlin({ slope: option<number>(cfg, 'slope', 'number') });
    case 'Explin': return new Explin({ alpha: option<number>(cfg, 'alpha', 'number') });
    case 'Logistic': return new Logistic({ shortcut: option<boolean>(cfg, 'shortcut', 'boolean') });
    case 'Tanh': return new Tanh();
    case 'Softmax': return new Softmax({ shortcut: option<boolean>(cfg, 'shortcut', 'boolean') });
    case 'Normalizer': return new Normalizer({ divisor: option<number>(cfg, 'divisor', 'number') });
    case 'PixelwiseSoftmax':
      return new PixelwiseSoftmax({ c: option<number>(cfg, 'c', 'number'), shortcut: option<boolean>(cfg, 'shortcut', 'boolean') });
    default:
      throw new Error(`Unknown activation type ${JSON.stringify(cfg.type)} (known: Identity, Rectlin, Explin, Logistic, Tanh, Softmax, Normalizer, PixelwiseSoftmax)`);
  }
}
