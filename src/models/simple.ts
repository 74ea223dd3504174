// The course's fully connected and small convolutional networks (networks.md; the lecture's
// generate_cnn_model for CNN-1, its results table for the others). neon rules: Conv and Affine have
// no bias; Conv(…, batchNorm: true, activation: f) = conv → BatchNorm → f.
// Where the lecture is silent (its table lists only layers), we follow its one full listing, CNN-1:
//   - every network starts with DataTransform(Normalizer(128)) (loaders yield 0–255 pixels);
//   - convs use Kaiming() (fan-in), Affine layers the course's Xavier() (see RECIPE_CHANGES);
//   - output heads are Logistic({ shortcut: true }) for the CrossEntropyBinary cost (the default
//     recipe uses Softmax for CrossEntropyMulti with more than 2 classes: headActivation).
// CNN-2's last two convs have nclass maps (2 in the lecture, where nclass = 2).
import { Affine, Conv } from '../layers/compound.ts';
import { Pooling } from '../layers/convolution.ts';
import type { Layer } from '../layers/layer.ts';
import { BatchNorm } from '../layers/linear.ts';
import { DataTransform } from '../layers/transform.ts';
import { Explin, Logistic, Normalizer, Rectlin, Tanh, type ActivationTransform } from '../nn/activations.ts';
import { Kaiming } from '../nn/initializers.ts';
import { affineXavier, checkInput, headActivation, resolve, type NetworkOptions } from './options.ts';

const normalizer = () => new DataTransform(new Normalizer({ divisor: 128 }));

function fcnn(name: string, hidden: [number, ActivationTransform][], opts: NetworkOptions): Layer[] {
  const o = resolve(name, opts);
  const init = () => affineXavier(o.recipe);
  return checkInput(name, [
    normalizer(),
    ...hidden.map(([n, f]) => new Affine(n, { init: init(), activation: f })),
    new Affine(o.nclass, { init: init(), activation: headActivation(o) }),
  ], o.inputShape);
}

/** FCNN-1: Affine(128, Tanh) → Affine(2, Logistic). 1,573,120 parameters at 3×64×64. */
export function fcnn1(opts: NetworkOptions = {}): Layer[] {
  return fcnn('fcnn1', [[128, new Tanh()]], opts);
}

/** FCNN-2: Affine(128, Tanh) → Affine(64, Tanh) → Affine(2, Logistic). 1,581,184 parameters. */
export function fcnn2(opts: NetworkOptions = {}): Layer[] {
  return fcnn('fcnn2', [[128, new Tanh()], [64, new Tanh()]], opts);
}

/** FCNN-3: Affine(400, Rectlin) → Affine(50, Logistic) → Affine(2, Logistic). 4,935,300 parameters. */
export function fcnn3(opts: NetworkOptions = {}): Layer[] {
  return fcnn('fcnn3', [[400, new Rectlin()], [50, new Logistic()]], opts);
}

/** CNN-1, the lecture's generate_cnn_model: two dilated 3×3 convs ("same" size) with 3×3/2 max
 *  pooling, then Affine(nclass, Logistic). 52,064 parameters at 3×64×64, 2 classes. */
export function cnn1(opts: NetworkOptions = {}): Layer[] {
  const o = resolve('cnn1', opts);
  const conv = (k: number) => new Conv([3, 3, k], { padding: 2, strides: 1, dilation: 2, init: new Kaiming(), activation: new Rectlin() });
  const pool = () => new Pooling([3, 3], { padding: 1, strides: 2, op: 'max' });
  return checkInput('cnn1', [
    normalizer(),
    conv(32), pool(),
    conv(64), pool(),
    new Affine(o.nclass, { init: affineXavier(o.recipe), activation: headActivation(o) }),
  ], o.inputShape);
}

/** CNN-2: unpadded convs with Explin, each later one followed by a separate BatchNorm; global
 *  average pooling; Affine(nclass, Logistic). Spatial sizes 64→62→29→27→27→25→25→23→21→21→1;
 *  207,792 parameters at 3×64×64, 2 classes. */
export function cnn2(opts: NetworkOptions = {}): Layer[] {
  const o = resolve('cnn2', opts);
  const conv = (f: number, k: number) => new Conv([f, f, k], { init: new Kaiming(), activation: new Explin() });
  const convBn = (f: number, k: number) => [conv(f, k), new BatchNorm()];
  return checkInput('cnn2', [
    normalizer(),
    conv(3, 32),
    new Pooling([5, 5], { strides: 2, op: 'max' }),
    ...convBn(3, 32), ...convBn(1, 64), ...convBn(3, 64), ...convBn(1, 128), ...convBn(3, 128),
    ...convBn(3, o.nclass), ...convBn(1, o.nclass),
    new Pooling('all', { op: 'avg' }),
    new Affine(o.nclass, { init: affineXavier(o.recipe), activation: headActivation(o) }),
  ], o.inputShape);
}
