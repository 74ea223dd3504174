// Argon's side of the benchmarks: the course networks as layer trees on a given backend, one
// training step exactly as Model.fit takes it (forwardPre, cost, backward, optimizer), and one
// inference pass. bench/compare.ts and bench/scaling.ts time these.
import { backward, noGrad } from '../src/autograd/index.ts';
import type { Backend } from '../src/backends/backend.ts';
import { Conv, Pooling, Sequential, buildLayers, type Layer } from '../src/layers/index.ts';
import { Affine } from '../src/layers/compound.ts';
import { DataTransform } from '../src/layers/transform.ts';
import { models } from '../src/models/index.ts';
import { Logistic, Normalizer, Rectlin } from '../src/nn/activations.ts';
import { CrossEntropyBinary, CrossEntropyMulti, GeneralizedCost } from '../src/nn/costs.ts';
import { Kaiming, Xavier } from '../src/nn/initializers.ts';
import { GradientDescentMomentum } from '../src/nn/optimizers/gradientDescentMomentum.ts';
import { Random } from '../src/random.ts';
import { Tensor, tidy } from '../src/tensor.ts';
import { NETS, type NetId } from './workloads.ts';

/** CNN-1 with dilation 1 and padding 1 (same output sizes): the variant peers without dilated
 *  convolutions (gradients) can run. */
function cnn1Dilation1(nclass: number): Layer[] {
  const conv = (k: number) => new Conv([3, 3, k], { padding: 1, strides: 1, init: new Kaiming(), activation: new Rectlin() });
  const pool = () => new Pooling([3, 3], { padding: 1, strides: 2, op: 'max' });
  return [
    new DataTransform(new Normalizer({ divisor: 128 })),
    conv(32), pool(), conv(64), pool(),
    new Affine(nclass, { init: new Xavier(), activation: new Logistic({ shortcut: true }) }),
  ];
}

/** The layers of a benchmark network at an input shape (CNN-1's and ResNet-18's from src/models). */
export function network(net: NetId, inputShape: readonly number[], nclass: number): Layer[] {
  const input = [...inputShape] as [number, number, number];
  if (net === 'cnn1-d1' || net === 'mnist-cnn') return cnn1Dilation1(nclass);
  if (net === 'resnet18') return models.resnet18({ inputShape: input, nclass });
  return models.cnn1({ inputShape: input, nclass });
}

/** Deterministic pseudo-pixels in [0, 255) and one-hot targets. */
export function syntheticBatch(inputShape: number[], nclass: number, batch: number, seed: number): { x: Float32Array; t: Float32Array } {
  const n = inputShape.reduce((a, b) => a * b, 1) * batch;
  const x = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = (s >>> 24);
  }
  const t = new Float32Array(nclass * batch);
  for (let i = 0; i < batch; i++) t[(i % nclass) * batch + i] = 1;
  return { x, t };
}

export interface ArgonRunner {
  /** The configured layer tree (for summary()). */
  root: Sequential;
  /** One training step (forward, cost, backward, SGD with momentum); returns the batch mean cost. */
  train(): number;
  /** One inference pass over the batch. */
  infer(): void;
  dispose(): void;
}

/** Builds `net` on `backend` and returns step functions over one fixed synthetic batch (the
 *  workload's input shape and class count unless given). The cost matches the head: ResNet-18's
 *  Softmax takes CrossEntropyMulti, CNN-1's Logistic CrossEntropyBinary. */
export function argonRunner(
  backend: Backend, net: NetId, batch: number, inputShape: number[] = [...NETS[net].input], nclass = NETS[net].nclass,
): ArgonRunner {
  const root = new Sequential(network(net, inputShape, nclass));
  buildLayers(root, inputShape, { backend, random: new Random(1) });
  const params = root.params();
  const costfunc = net === 'resnet18' ? new CrossEntropyMulti() : new CrossEntropyBinary();
  const cost = new GeneralizedCost({ costfunc });
  const opt = new GradientDescentMomentum(0.01, { momentumCoef: 0.9, wdecay: 5e-4 });
  const data = syntheticBatch(inputShape, nclass, batch, 7);
  const random = new Random(3);
  return {
    root,
    train: () => tidy(() => {
      const x = Tensor.fromArray(backend, data.x, [...inputShape, batch]);
      const t = Tensor.fromArray(backend, data.t, [nclass, batch]);
      const { pre, final } = root.forwardPre(x, { training: true, random });
      const { loss } = cost.loss(pre, final, t);
      const value = cost.mean(loss, batch);
      backward(loss);
      opt.optimize(params, batch, 0);
      for (const p of params) { p.value.grad?.dispose(); p.value.grad = null; }
      return value;
    }),
    infer: () => noGrad(() => tidy(() => {
      const x = Tensor.fromArray(backend, data.x, [...inputShape, batch]);
      root.forward(x, { training: false, random });
    })),
    dispose: () => root.dispose(),
  };
}
