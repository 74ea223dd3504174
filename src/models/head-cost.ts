// The cost that goes with a network's output activation, neon's pairs whose fused gradient is
// exactly y − t: CrossEntropyMulti after Softmax, CrossEntropyBinary after Logistic,
// PixelwiseCrossEntropy after PixelwiseSoftmax. The course's
// networks pick their head by class count and recipe (options.ts headActivation), so a caller
// that builds one by name asks here instead of repeating that rule.
import { Chain } from '../layers/container.ts';
import type { Layer } from '../layers/layer.ts';
import { Activation } from '../layers/transform.ts';
import { CrossEntropyBinary, CrossEntropyMulti, GeneralizedCost, PixelwiseCrossEntropy } from '../nn/costs.ts';

/** The type of a network's output activation ('Softmax', 'Logistic', …), or null without one. */
export function headType(layers: Layer | readonly Layer[]): string | null {
  const last = Array.isArray(layers) ? layers[layers.length - 1] : layers;
  if (last instanceof Activation) return last.transform.type;
  if (last instanceof Chain) return headType(last.children());
  return null;
}

/** The cross-entropy that matches a classifier's head; any other head (none, Rectlin, …) has no
 *  implied cost, and the error says to choose one (MeanSquared or L1 for real-valued outputs). */
export function costFor(layers: Layer | readonly Layer[]): GeneralizedCost {
  const head = headType(layers);
  if (head === 'Softmax') return new GeneralizedCost({ costfunc: new CrossEntropyMulti() });
  if (head === 'Logistic') return new GeneralizedCost({ costfunc: new CrossEntropyBinary() });
  if (head === 'PixelwiseSoftmax') return new GeneralizedCost({ costfunc: new PixelwiseCrossEntropy() });
  throw new Error(`costFor: the network ends in ${head === null ? 'no activation' : `a ${head} activation`}, which implies no cost: ` +
    'a classifier ends in Softmax, Logistic or PixelwiseSoftmax; for real-valued outputs pass a cost yourself, e.g. ' +
    'new GeneralizedCost({ costfunc: new MeanSquared() }) or new L1()');
}
