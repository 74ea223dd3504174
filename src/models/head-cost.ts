// The cost that goes with a network's output activation, neon's pairs whose fused gradient is
// exactly y − t: CrossEntropyMulti after Softmax, CrossEntropyBinary after Logistic. The course's
// networks pick their head by class count and recipe (options.ts headActivation), so a caller
// that builds one by name asks here instead of repeating that rule.
import { Chain } from '../layers/container.ts';
import type { Layer } from '../layers/layer.ts';
import { Activation } from '../layers/transform.ts';
import { CrossEntropyBinary, CrossEntropyMulti, GeneralizedCost } from '../nn/costs.ts';

/** The type of a network's output activation ('Softmax', 'Logistic', …), or null without one. */
export function headType(layers: Layer | readonly Layer[]): string | null {
  const last = Array.isArray(layers) ? layers[layers.length - 1] : layers;
  if (last instanceof Activation) return last.transform.type;
  if (last instanceof Chain) return headType(last.children());
  return null;
}

/** CrossEntropyMulti for a Softmax head, else CrossEntropyBinary (the course's Logistic heads). */
export function costFor(layers: Layer | readonly Layer[]): GeneralizedCost {
  return new GeneralizedCost({ costfunc: headType(layers) === 'Softmax' ? new CrossEntropyMulti() : new CrossEntropyBinary() });
}
