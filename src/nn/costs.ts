// Costs (neon transforms/cost.py). The loss tensor is the batch SUM (layer gradients are batch sums,
// as in neon); GeneralizedCost.mean gives the batch mean neon reports. neon's CrossEntropy bprop is
// the shortcut y − t, correct only when the output activation is Logistic/Softmax with its shortcut
// (neon §2.4–2.5): here those pairs run the fused ops, whose derivative with respect to the
// pre-activation is exactly y − t, and every other pairing uses the cost's true derivative.
import { PixelwiseSoftmax } from './activations.ts';
import * as ops from '../ops/index.ts';
import type { Tensor } from '../tensor.ts';

/** What the cost needs from the model's final activation (structurally an ActivationTransform). */
export interface FinalActivation {
  readonly type: string;
  /** Logistic and Softmax expose it; true means "the cost supplies the derivative". */
  readonly shortcut?: boolean;
  apply(x: Tensor): Tensor;
}

export type CostFunctionConfig =
  | { type: 'CrossEntropyBinary'; scale: number }
  | { type: 'CrossEntropyMulti'; scale: number; usebits: boolean }
  | { type: 'PixelwiseCrossEntropy'; scale: number }
  | { type: 'SumSquared' }
  | { type: 'MeanSquared' }
  | { type: 'L1' };

export interface CostConfig {
  type: 'GeneralizedCost';
  costfunc: CostFunctionConfig;
}

export interface CostFunction {
  readonly type: CostFunctionConfig['type'];
  /** Batch-sum loss of outputs y against targets t, with the true derivative. */
  lossOf(y: Tensor, t: Tensor): Tensor;
  /** Multiplier applied to the loss (and so to its gradient): scale, and 1/ln 2 for usebits. */
  readonly factor: number;
  config(): CostFunctionConfig;
}

/** What CrossEntropyBinary and PixelwiseCrossEntropy share: neon's `scale` multiplier is the factor. */
abstract class ScaledCost implements CostFunction {
  abstract readonly type: 'CrossEntropyBinary' | 'PixelwiseCrossEntropy';
  readonly scale: number;
  constructor({ scale = 1 }: { scale?: number } = {}) {
    this.scale = scale;
  }
  get factor(): number {
    return this.scale;
  }
  abstract lossOf(y: Tensor, t: Tensor): Tensor;
  config(): CostFunctionConfig {
    return { type: this.type, scale: this.scale };
  }
}

export class CrossEntropyBinary extends ScaledCost {
  readonly type = 'CrossEntropyBinary';
  lossOf(y: Tensor, t: Tensor): Tensor {
    return ops.crossEntropyBinary(y, t);
  }
}

export class CrossEntropyMulti implements CostFunction {
  readonly type = 'CrossEntropyMulti';
  readonly scale: number;
  readonly usebits: boolean;
  constructor({ scale = 1, usebits = false }: { scale?: number; usebits?: boolean } = {}) {
    this.scale = scale;
    this.usebits = usebits;
  }
  get factor(): number {
    return this.usebits ? this.scale / Math.LN2 : this.scale;
  }
  lossOf(y: Tensor, t: Tensor): Tensor {
    return ops.crossEntropyMulti(y, t);
  }
  config(): CostFunctionConfig {
    return { type: this.type, scale: this.scale, usebits: this.usebits };
  }
}

/** Cross-entropy per pixel for outputs [C, ...spatial, N] with one-hot targets per pixel: per sample
 *  Σ over pixels and classes of −t·log y (neon's CrossEntropyMulti after PixelwiseSoftmax: a sum,
 *  not a mean, over the pixels). Fused with PixelwiseSoftmax({ shortcut: true }) the gradient with
 *  respect to the pre-softmax maps is exactly y − t. */
export class PixelwiseCrossEntropy extends ScaledCost {
  readonly type = 'PixelwiseCrossEntropy';
  lossOf(y: Tensor, t: Tensor): Tensor {
    return ops.crossEntropyMulti(y, t);
  }
}

/** Σ (y − t)² / 2. */
export class SumSquared implements CostFunction {
  readonly type = 'SumSquared';
  readonly factor = 1;
  lossOf(y: Tensor, t: Tensor): Tensor {
    return ops.sumSquared(y, t);
  }
  config(): CostFunctionConfig {
    return { type: this.type };
  }
}

/** Per sample, the mean over units (every value of the sample: classes, or classes × pixels) of (y − t)² / 2. */
export class MeanSquared implements CostFunction {
  readonly type = 'MeanSquared';
  readonly factor = 1;
  lossOf(y: Tensor, t: Tensor): Tensor {
    return ops.meanSquared(y, t);
  }
  config(): CostFunctionConfig {
    return { type: this.type };
  }
}

/** Per sample, the mean over units of |y − t| (for one output unit: the absolute error). Its
 *  gradient sign(y − t) / units does not grow with the error, so outliers pull less than under
 *  MeanSquared; it is 0 where y = t exactly. */
export class L1 implements CostFunction {
  readonly type = 'L1';
  readonly factor = 1;
  lossOf(y: Tensor, t: Tensor): Tensor {
    return ops.l1(y, t);
  }
  config(): CostFunctionConfig {
    return { type: this.type };
  }
}

export interface CostResult {
  /** Batch sum of the per-sample costs, a one-element tensor to call backward on. */
  loss: Tensor;
  /** The model's output after the final activation. */
  y: Tensor;
}

const FUSED: Record<string, { cost: CostFunctionConfig['type']; fix: string }> = {
  Logistic: { cost: 'CrossEntropyBinary', fix: 'Logistic({ shortcut: false })' },
  Softmax: { cost: 'CrossEntropyMulti', fix: 'Softmax({ shortcut: false })' },
  PixelwiseSoftmax: { cost: 'PixelwiseCrossEntropy', fix: 'PixelwiseSoftmax({ shortcut: false })' },
};

export class GeneralizedCost {
  readonly type = 'GeneralizedCost';
  readonly costfunc: CostFunction;

  constructor({ costfunc }: { costfunc: CostFunction }) {
    if (!costfunc) throw new Error('GeneralizedCost: costfunc is required, e.g. new GeneralizedCost({ costfunc: new CrossEntropyBinary() })');
    this.costfunc = costfunc;
  }

  /** The loss of pre-activation outputs `pre` after `final` (null: pre is the output) against t. */
  loss(pre: Tensor, final: FinalActivation | null, t: Tensor): CostResult {
    const cf = this.costfunc;
    let result: CostResult;
    if (final?.shortcut === true && Object.hasOwn(FUSED, final.type)) {
      const want = FUSED[final.type];
      if (cf.type !== want.cost) {
        throw new Error(`${final.type} with shortcut (its derivative is taken as 1) needs the ${want.cost} cost, ` +
          `but the cost is ${cf.type}: use ${want.cost}, or ${want.fix} to train ${cf.type} through the activation's true derivative`);
      }
      if (final instanceof PixelwiseSoftmax) final.checkShape(pre.shape);
      // Per-pixel maps may leave positions unlabelled (an ignore label: an all-zero target column).
      result = final.type === 'Logistic' ? ops.logisticCrossEntropyBinary(pre, t)
        : ops.softmaxCrossEntropyMulti(pre, t, { unlabelled: final.type === 'PixelwiseSoftmax' ? 'ignore' : 'error' });
    } else {
      const y = final ? final.apply(pre) : pre;
      result = { loss: cf.lossOf(y, t), y };
    }
    if (cf.factor !== 1) result = { loss: ops.scale(result.loss, cf.factor), y: result.y };
    return result;
  }

  /** The batch mean neon reports (its cost/train entries): the summed loss over n samples. */
  mean(loss: Tensor | number, n: number): number {
    return (typeof loss === 'number' ? loss : loss.item()) / n;
  }

  config(): CostConfig {
    return { type: this.type, costfunc: this.costfunc.config() };
  }
}

/** Rebuilds a cost from its config (the model file). */
export function costFromConfig(cfg: CostConfig): GeneralizedCost {
  if (cfg?.type !== 'GeneralizedCost') throw new Error(`costFromConfig: unknown cost type '${String(cfg?.type)}'`);
  const c = cfg.costfunc;
  switch (c?.type) {
    case 'CrossEntropyBinary': return new GeneralizedCost({ costfunc: new CrossEntropyBinary({ scale: c.scale }) });
    case 'CrossEntropyMulti': return new GeneralizedCost({ costfunc: new CrossEntropyMulti({ scale: c.scale, usebits: c.usebits }) });
    case 'PixelwiseCrossEntropy': return new GeneralizedCost({ costfunc: new PixelwiseCrossEntropy({ scale: c.scale }) });
    case 'SumSquared': return new GeneralizedCost({ costfunc: new SumSquared() });
    case 'MeanSquared': return new GeneralizedCost({ costfunc: new MeanSquared() });
    case 'L1': return new GeneralizedCost({ costfunc: new L1() });
    default: throw new Error(`costFromConfig: unknown cost function '${String((c as { type?: unknown } | undefined)?.type)}'`);
  }
}
