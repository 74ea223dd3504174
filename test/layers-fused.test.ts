// Inference through a Conv compound takes the fused kernel (convForward, or winogradForward where
// the planner takes Winograd) where the backend has it:
// the same values as running its primitives one by one, on every backend, for each epilogue the
// fusion handles (none, Bias, BatchNorm folded with its running statistics, Rectlin with a slope)
// and for one it does not (Explin, applied after the fused part). Training and gradients never
// take the fused convolution; training runs BatchNorm + Rectlin as one op, checked the same way.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backward, noGrad } from '../src/autograd/index.ts';
import { Activation, Affine, BatchNorm, Conv, Pooling, Sequential, buildLayers, type Layer, type RunContext } from '../src/layers/index.ts';
import { Explin, Rectlin } from '../src/nn/activations.ts';
import { Constant, Gaussian } from '../src/nn/initializers.ts';
import type { Backend } from '../src/backends/backend.ts';
import { Random } from '../src/random.ts';
import { Tensor, tidy } from '../src/tensor.ts';
import { testBackends } from './backends.ts';
import { expectClose, randomArray } from './helpers.ts';

/** Runs fn while recording the names of the kernels the backend runs. */
function kernelsRun<T>(backend: Backend, fn: () => T): { result: T; names: string[] } {
  const names: string[] = [];
  const run = backend.run.bind(backend);
  backend.run = ((name, args) => { names.push(name); run(name, args); }) as Backend['run'];
  try {
    return { result: fn(), names };
  } finally {
    backend.run = run;
  }
}

/** The reference the fused paths are compared with: each primitive's forward in turn (a Conv
 *  compound's children; a Sequential's children, each Conv among them taken apart the same way). */
function forwardLayerByLayer(layer: Conv | Sequential, x: Tensor, ctx: RunContext): Tensor {
  const primitives = (l: Layer): Layer[] => (l instanceof Conv ? l.children() : [l]);
  const layers = layer instanceof Conv ? primitives(layer) : layer.children().flatMap(primitives);
  let y = x;
  for (const l of layers) y = l.forward(y, ctx);
  return y;
}

/** root's own forward, with `check` given the kernels it ran, or (layerByLayer) the reference. */
function forwardEither(backend: Backend, root: Sequential, x: Tensor, ctx: RunContext, layerByLayer: boolean, check: (names: string[]) => void): Tensor {
  if (layerByLayer) return forwardLayerByLayer(root, x, ctx);
  const { result, names } = kernelsRun(backend, () => root.forward(x, ctx));
  check(names);
  return result;
}

const cases: [string, () => Conv][] = [
  ['plain, strided and padded', () => new Conv([3, 3, 5], { strides: 2, padding: 1 })],
  ['Bias + Rectlin', () => new Conv([3, 3, 4], { padding: 2, dilation: 2, bias: new Gaussian({ scale: 0.5 }), activation: new Rectlin() })],
  ['BatchNorm + leaky Rectlin', () => new Conv([2, 3, 6], { batchNorm: true, activation: new Rectlin({ slope: 0.1 }) })],
  ['1×1, BatchNorm, no activation', () => new Conv([1, 1, 7], { batchNorm: true })],
  ['BatchNorm + Explin (not fused)', () => new Conv([3, 3, 3], { padding: 1, batchNorm: true, activation: new Explin() })],
  ['Bias, 1D', () => new Conv([3, 4], { padding: 1, bias: new Constant({ val: 0.3 }) })],
];

/** Gives BatchNorm layers non-trivial running statistics and affine parameters. */
function perturbStats(layer: Layer, seed: number): void {
  for (const s of layer.states()) {
    const v = s.value;
    const values = randomArray(v.shape.reduce((a, b) => a * b, 1), seed++, 0.2, 1.5);
    v.backend.write(v.buf, values);
  }
  for (const p of layer.params()) {
    const v = p.value;
    v.backend.write(v.buf, randomArray(v.shape.reduce((a, b) => a * b, 1), seed++, -1, 1));
  }
}

for (const [label, make] of cases) {
  test(`Conv inference, fused = primitives one by one: ${label}`, async () => {
    for (const { name, backend, tol } of await testBackends()) {
      const conv = make();
      const inShape = label.includes('1D') ? [3, 9] : [3, 9, 8];
      buildLayers(conv, inShape, { backend, random: new Random(5) });
      perturbStats(conv, 40);
      const batch = 5;
      const data = randomArray(inShape.reduce((a, b) => a * b, 1) * batch, 7, -2, 2);
      const ctx = { training: false, random: new Random(1) };
      const [fused, chain] = noGrad(() => tidy(() => {
        const x = Tensor.fromArray(backend, data, [...inShape, batch]);
        const y = forwardLayerByLayer(conv, x, ctx);
        const { result, names } = kernelsRun(backend, () => conv.forward(x, ctx).toArray());
        // The fused kernel: convForward, or winogradForward where the planner takes Winograd.
        const fusedKernel = names[0] === 'convForward' || names[0] === 'winogradForward';
        assert.ok(backend.has('convForward') ? fusedKernel : names[0] === 'im2col', `${label} on ${name}: the path taken (${names[0]})`);
        return [result, y.toArray()];
      }));
      expectClose(fused, chain, { rtol: Math.max(tol.rtol, 1e-5), atol: Math.max(tol.atol, 1e-5) }, `${label} on ${name}`);
      conv.dispose();
    }
  });
}

test('a Conv whose input needs a gradient runs the differentiable chain in inference mode', async () => {
  const { backend } = (await testBackends()).find((b) => b.name === 'wasm')!;
  const conv = new Conv([3, 3, 4], { batchNorm: true, activation: new Rectlin() });
  buildLayers(conv, [2, 6, 6], { backend, random: new Random(2) });
  tidy(() => {
    const x = Tensor.fromArray(backend, randomArray(2 * 36 * 3, 3), [2, 6, 6, 3], { requiresGrad: true });
    const y = conv.forward(x, { training: false, random: new Random(1) });
    backward(y);
    const g = x.grad?.toArray() ?? [];
    assert.is(g.length, 2 * 36 * 3);
    assert.ok(Array.from(g).some((v) => v !== 0), 'the input gradient is not all zero');
  });
  conv.dispose();
});

test('training runs Rectlin (slope ≥ 0) → max pooling as pooling → Rectlin: same outputs and gradients as layer by layer', async () => {
  for (const { name, backend, tol } of await testBackends()) {
    for (const slope of [0, 0.2, -0.5]) {
      const root = new Sequential([
        new Conv([3, 3, 4], { padding: 1, activation: new Rectlin({ slope }) }),
        new Pooling(3, { strides: 2, padding: 1 }),
        new Conv([3, 3, 5], { padding: 1 }),
        new Activation(new Rectlin({ slope })),
        new Pooling('all'),
        new Affine(2),
      ]);
      buildLayers(root, [2, 7, 6], { backend, random: new Random(9) });
      const params = root.params().map((p) => p.value);
      const data = randomArray(2 * 7 * 6 * 3, 12, -2, 2);
      const run = (layerByLayer: boolean): number[][] => tidy(() => {
        const ctx = { training: true, random: new Random(1) };
        const x = Tensor.fromArray(backend, data, [2, 7, 6, 3]);
        const y = forwardEither(backend, root, x, ctx, layerByLayer, (names) => {
          // Swapped: the first pooling runs before the first Rectlin; a negative slope never swaps.
          const swapped = names.indexOf('poolForward') < names.indexOf('rectlin');
          assert.is(swapped, slope >= 0, `${name} slope ${slope}: swapped`);
        });
        backward(y);
        const out = [y.toArray(), ...params.map((p) => p.grad!.toArray())].map((a) => Array.from(a));
        for (const p of params) { p.grad!.dispose(); p.grad = null; }
        return out;
      });
      const swapped = run(false), plain = run(true);
      swapped.forEach((v, i) => expectClose(v, plain[i], tol, `${name} slope ${slope}: ${i === 0 ? 'output' : `gradient ${i}`}`));
      root.dispose();
    }
  }
});

test('training: BatchNorm then Rectlin as one op = the two layers one by one (values, gradients, running stats)', async () => {
  for (const { name, backend, tol } of await testBackends()) {
    for (const slope of [0, 0.2]) {
      const make = () => new Sequential([
        new Conv([3, 3, 4], { padding: 1, batchNorm: true, activation: new Rectlin({ slope }) }),
        new Conv([3, 3, 3], { padding: 1 }),
        new BatchNorm(),
        new Activation(new Rectlin({ slope })),
        new Pooling('all'),
        new Affine(2),
      ]);
      const run = (layerByLayer: boolean): number[][] => tidy(() => {
        const root = make();
        buildLayers(root, [2, 6, 5], { backend, random: new Random(9) });
        perturbStats(root, 70);
        const params = root.params().map((p) => p.value);
        const ctx = { training: true, random: new Random(1) };
        const x = Tensor.fromArray(backend, randomArray(2 * 6 * 5 * 3, 13, -2, 2), [2, 6, 5, 3]);
        const y = forwardEither(backend, root, x, ctx, layerByLayer, (names) => {
          const fused = names.filter((n) => n === 'batchNormRectlinTrain').length;
          assert.is(fused, backend.has('batchNormRectlinTrain') ? 2 : 0, `${name} slope ${slope}: fused BatchNorm + Rectlin runs`);
        });
        backward(y);
        const out = [y.toArray(), ...params.map((p) => p.grad!.toArray()), ...root.states().map((s) => s.value.toArray())].map((a) => Array.from(a));
        root.dispose();
        return out;
      });
      const fused = run(false), plain = run(true);
      fused.forEach((v, i) => expectClose(v, plain[i], tol, `${name} slope ${slope}: ${i === 0 ? 'output' : `tensor ${i}`}`));
    }
  }
});

test.run();
