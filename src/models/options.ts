// Options shared by the course's network builders, and what `recipe: 'default'` changes.
import { assignNames } from '../layers/build.ts';
import { Sequential } from '../layers/container.ts';
import type { Layer } from '../layers/layer.ts';
import { Logistic, Softmax, type ActivationTransform } from '../nn/activations.ts';
import { Xavier } from '../nn/initializers.ts';
import { shapeString } from '../shape.ts';

export type Recipe = 'default' | 'course';

export interface NetworkOptions {
  /** Output classes (default 2: the course's gender task). */
  nclass?: number;
  /** Per-sample input [C, H, W] (default [3, 64, 64]); checked when the network is made. */
  inputShape?: readonly number[];
  /** 'course': the lecture verbatim; 'default': the same topology with RECIPE_CHANGES applied. */
  recipe?: Recipe;
}

export interface ResolvedOptions { nclass: number; inputShape: readonly number[]; recipe: Recipe }

/** What `recipe: 'default'` changes relative to the lecture (printed by the CLI's --help). */
export const RECIPE_CHANGES: readonly string[] = [
  "fcnn1, fcnn2, fcnn3, cnn1, cnn2: every Affine initialised with Xavier() in the course gets Xavier({ local: false }), " +
    'U(±√(3/fan-in)). neon\'s Xavier() defaults to local=true, whose fan for an Affine is nout: the 2-class head of CNN-1 ' +
    'draws U(±1.22) over 16,384 inputs and saturates its logits (a PyTorch replica peaks at 74 % and collapses to 51 %; ' +
    'with the fan-in it reaches 92.3 % after 4 epochs). For CNN-2 this changes nothing (its head has 2 inputs and 2 outputs).',
  'fcnn1, fcnn2, fcnn3, cnn1, cnn2 with more than 2 classes: a Softmax head trained with CrossEntropyMulti instead of the ' +
    "course's Logistic + CrossEntropyBinary, which scores each class on its own, so the outputs are not probabilities " +
    'that sum to 1 (2 classes keep the course\'s head).',
  'resnet18 … resnet152: no change (the course already uses Kaiming(local=true) convs, a Kaiming(local=false) head and Softmax).',
];

export function resolve(name: string, opts: NetworkOptions): ResolvedOptions {
  const nclass = opts.nclass ?? 2;
  const inputShape = opts.inputShape ?? [3, 64, 64];
  const recipe = opts.recipe ?? 'default';
  if (!Number.isInteger(nclass) || nclass < 1) throw new Error(`${name}: nclass must be a positive integer, got ${nclass}`);
  if (recipe !== 'default' && recipe !== 'course') throw new Error(`${name}: recipe must be 'default' or 'course', got '${String(recipe)}'`);
  if (!Array.isArray(inputShape) || inputShape.length < 2 || inputShape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new Error(`${name}: inputShape must be [C, H, W] with positive integers, got ${JSON.stringify(inputShape)}`);
  }
  return { nclass, inputShape, recipe };
}

/** The Affine init the course wrote as `Xavier()`: fan = nout (course) or the true fan-in (default). */
export function affineXavier(recipe: Recipe): Xavier {
  return new Xavier({ local: recipe === 'course' });
}

/** The output activation of the small networks: the course's Logistic({ shortcut: true }) (for
 *  CrossEntropyBinary), or Softmax (for CrossEntropyMulti) under the default recipe with more than
 *  2 classes. */
export function headActivation(o: ResolvedOptions): ActivationTransform {
  return o.recipe === 'default' && o.nclass > 2 ? new Softmax() : new Logistic({ shortcut: true });
}

/** Infers every layer's shape for the input, so a network that cannot take it fails when made. */
export function checkInput(name: string, layers: readonly Layer[], inputShape: readonly number[]): Layer[] {
  const root = new Sequential(layers);
  try {
    root.configure(inputShape);
  } catch {
    // Name the layers (as the Model would) only to say which one failed.
    assignNames(root);
    try {
      root.configure(inputShape);
    } catch (e) {
      throw new Error(`${name} cannot take input ${shapeString(inputShape)}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return [...layers];
}
