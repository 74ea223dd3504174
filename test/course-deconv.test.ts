// Per-pixel outputs (issue 7): the transposed convolution (values from its scatter definition,
// adjointness with conv, float64 gradient checks, every backend against ref-f64), the Deconv layers,
// PixelwiseSoftmax and the per-pixel cross-entropy fused with it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backward, gradCheck } from '../src/autograd/index.ts';
import type { Backend } from '../src/backends/backend.ts';
import { createRefBackend } from '../src/backends/ref/backend.ts';
import { buildLayers, Deconv, Deconvolution, layerFromConfig, Sequential } from '../src/layers/index.ts';
import { Activation } from '../src/layers/transform.ts';
import { PixelwiseSoftmax, Rectlin, activationFromConfig } from '../src/nn/activations.ts';
import { CrossEntropyMulti, GeneralizedCost, PixelwiseCrossEntropy, costFromConfig } from '../src/nn/costs.ts';
import { Constant } from '../src/nn/initializers.ts';
import { conv } from '../src/ops/conv.ts';
import { deconv, type DeconvOptions } from '../src/ops/deconv.ts';
import { Random } from '../src/random.ts';
import { Tensor, tidy } from '../src/tensor.ts';
import { testBackends } from './backends.ts';
import { expectClose, F64, randomArray } from './helpers.ts';

const ref = createRefBackend('float64');

interface Case { name: string; x: number[]; w: number[]; opts: DeconvOptions; out: number[] }
const CASES: Case[] = [
  { name: '2-D k3 s2 p1', x: [3, 4, 5, 2], w: [3, 2, 3, 3], opts: { stride: 2, pad: 1 }, out: [2, 7, 9, 2] },
  { name: '2-D k4 s2 p1 (the FCN upsampler)', x: [2, 3, 3, 3], w: [2, 3, 4, 4], opts: { stride: 2, pad: 1 }, out: [3, 6, 6, 3] },
  { name: '2-D k2x3 s(3,1) dil(1,2) p(0,1)', x: [2, 3, 4, 1], w: [2, 2, 2, 3], opts: { stride: [3, 1], pad: [0, 1], dilation: [1, 2] }, out: [2, 8, 6, 1] },
  { name: '2-D pointwise', x: [3, 2, 3, 2], w: [3, 4, 1, 1], opts: {}, out: [4, 2, 3, 2] },
  { name: '1-D k3 s2', x: [2, 5, 3], w: [2, 3, 3], opts: { stride: 2 }, out: [3, 11, 3] },
  { name: '3-D k2 s2 p(0,1,0)', x: [2, 2, 2, 3, 2], w: [2, 2, 2, 3, 2], opts: { stride: 2, pad: [0, 1, 0] }, out: [2, 4, 3, 6, 2] },
];

/** The definition read literally, 2-D: every input value scatters w[k, c, r, s]·x[k, i, j, n] to
 *  output cell (i·sh − ph + r·dh, j·sw − pw + s·dw) of map c when that cell exists. */
function scatter2d(x: Float64Array, xs: number[], w: Float64Array, ws: number[], o: number[], st: number[], pd: number[], dl: number[]): Float64Array {
  const [K, H, W, N] = xs, [, C, R, S] = ws, [, OH, OW] = o;
  const y = new Float64Array(C * OH * OW * N);
  for (let k = 0; k < K; k++) for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) for (let r = 0; r < R; r++) for (let s = 0; s < S; s++) {
      const oh = i * st[0] - pd[0] + r * dl[0], ow = j * st[1] - pd[1] + s * dl[1];
      if (oh < 0 || oh >= OH || ow < 0 || ow >= OW) continue;
      y[((c * OH + oh) * OW + ow) * N + n] += w[((k * C + c) * R + r) * S + s] * x[((k * H + i) * W + j) * N + n];
    }
  }
  return y;
}

const two = (v: number | readonly number[] | undefined, fill: number): number[] => (v === undefined ? [fill, fill] : typeof v === 'number' ? [v, v] : [...v]);

for (const [i, c] of CASES.entries()) {
  test(`deconv ${c.name}: output shape and adjointness ⟨deconv(x), y⟩ = ⟨x, conv(y)⟩`, () => {
    tidy(() => {
      const x = Tensor.fromArray(ref, randomArray(c.x.reduce((a, b) => a * b), 10 + i), c.x);
      const w = Tensor.fromArray(ref, randomArray(c.w.reduce((a, b) => a * b), 20 + i), c.w);
      const y = deconv(x, w, c.opts);
      assert.equal(y.shape, c.out);
      const probe = Tensor.fromArray(ref, randomArray(y.size, 30 + i), y.shape);
      const back = conv(probe, w, c.opts);
      assert.equal(back.shape, c.x);
      const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => { let s = 0; for (let j = 0; j < a.length; j++) s += a[j] * b[j]; return s; };
      expectClose([dot(y.toArray(), probe.toArray())], [dot(x.toArray(), back.toArray())], F64, c.name);
      if (c.x.length === 4) {
        const want = scatter2d(Float64Array.from(x.toArray()), c.x, Float64Array.from(w.toArray()), c.w, c.out,
          two(c.opts.stride, 1), two(c.opts.pad, 0), two(c.opts.dilation, 1));
        expectClose(y.toArray(), want, F64, `${c.name}: scatter definition`);
      }
    });
  });

  test(`deconv ${c.name}: float64 gradient check (x and w)`, () => {
    tidy(() => {
      const x = Tensor.fromArray(ref, randomArray(c.x.reduce((a, b) => a * b), 40 + i), c.x, { requiresGrad: true });
      const w = Tensor.fromArray(ref, randomArray(c.w.reduce((a, b) => a * b), 50 + i), c.w, { requiresGrad: true });
      const r = gradCheck(([a, b]) => deconv(a, b, c.opts), [x, w]);
      const m = r.worst;
      assert.ok(r.ok, m ? `input ${m.input} index ${m.index}: analytic ${m.analytic}, numeric ${m.numeric}` : '');
      assert.is(r.checked, x.size + w.size);
    });
  });
}

/** Forward values and both gradients of deconv on one backend. */
function runDeconv(backend: Backend, c: Case, seed: number): number[][] {
  return tidy(() => {
    const x = Tensor.fromArray(backend, randomArray(c.x.reduce((a, b) => a * b), seed), c.x, { requiresGrad: true });
    const w = Tensor.fromArray(backend, randomArray(c.w.reduce((a, b) => a * b), seed + 1), c.w, { requiresGrad: true });
    const y = deconv(x, w, c.opts);
    backward(y, Tensor.fromArray(backend, randomArray(y.size, seed + 2), y.shape));
    return [Array.from(y.toArray()), Array.from(x.grad!.toArray()), Array.from(w.grad!.toArray())];
  });
}

test('deconv: every backend matches ref-f64 (forward, dx, dW)', async () => {
  for (const [i, c] of CASES.entries()) {
    const want = runDeconv(ref, c, 70 + i);
    for (const { name, backend, tol } of await testBackends()) {
      const got = runDeconv(backend, c, 70 + i);
      ['y', 'dx', 'dW'].forEach((what, j) => expectClose(got[j], want[j], tol, `${name} ${c.name} ${what}`));
    }
  }
});

test('deconv: shape errors name the problem', () => {
  tidy(() => {
    const x = Tensor.zeros(ref, [2, 1, 1, 1]);
    assert.throws(() => deconv(x, Tensor.zeros(ref, [3, 2, 3, 3])), /expect 3 input channels/);
    assert.throws(() => deconv(x, Tensor.zeros(ref, [2, 2, 1, 1]), { pad: 1 }), /gives an output of -1/);
  });
});

test('Deconv layer: shapes, parameters, multiply-adds, compound names, config round trip', () => {
  const root = new Sequential([
    new Deconv([4, 4, 6], { strides: 2, padding: 1, bias: new Constant({ val: 0.5 }), activation: new Rectlin() }),
    new Deconvolution([3, 3, 2], { padding: 1 }),
  ]);
  const out = buildLayers(root, [5, 7, 7], { backend: ref, random: new Random(1) });
  assert.equal(out, [2, 14, 14]);
  const rows = root.info();
  assert.equal(rows.map((r) => r.type), ['Deconvolution', 'Bias', 'Activation', 'Deconvolution']);
  assert.equal(rows.map((r) => r.name), ['Deconvolution_0', 'Deconvolution_0_bias', 'Deconvolution_0_Rectlin', 'Deconvolution_1']);
  assert.is(rows[0].params, 5 * 6 * 16);
  assert.is(rows[0].macs, 5 * 6 * 16 * 49);
  assert.equal(root.params().map((p) => [p.name, [...p.value.shape]]), [
    ['Deconvolution_0.W', [5, 6, 4, 4]], ['Deconvolution_0_bias.b', [6]], ['Deconvolution_1.W', [6, 2, 3, 3]],
  ]);
  const again = layerFromConfig(root.config());
  assert.equal(again.config(), root.config());
  const y = tidy(() => root.forward(Tensor.fromArray(ref, randomArray(5 * 49 * 2, 3), [5, 7, 7, 2]), { training: true, random: new Random(2) }).shape);
  assert.equal(y, [2, 14, 14, 2]);
  root.dispose();
  assert.throws(() => new Deconvolution([3, 0]), /fshape must be/);
});

test('PixelwiseSoftmax: a softmax over the channels of every pixel; config round trip', () => {
  tidy(() => {
    const [C, H, W, N] = [4, 3, 2, 2];
    const v = randomArray(C * H * W * N, 8, -3, 3);
    const y = new PixelwiseSoftmax({ c: 4 }).apply(Tensor.fromArray(ref, v, [C, H, W, N])).toArray();
    const inner = H * W * N;
    for (let j = 0; j < inner; j++) {
      const z = Array.from({ length: C }, (_, k) => Math.exp(v[k * inner + j]));
      const s = z.reduce((a, b) => a + b);
      expectClose(Array.from({ length: C }, (_, k) => y[k * inner + j]), z.map((e) => e / s), F64, `pixel ${j}`);
    }
    assert.throws(() => new PixelwiseSoftmax({ c: 3 }).apply(Tensor.zeros(ref, [4, 1, 1, 1])), /expected 3 channels/);
    // The fused cost never calls apply(); it checks c itself.
    const fused = new GeneralizedCost({ costfunc: new PixelwiseCrossEntropy() });
    assert.throws(() => fused.loss(Tensor.zeros(ref, [4, 1, 1, 1]), new PixelwiseSoftmax({ c: 3 }), Tensor.zeros(ref, [4, 1, 1, 1])), /expected 3 channels/);
    const cfg = new PixelwiseSoftmax({ c: 11 }).config();
    assert.equal(activationFromConfig(cfg).config(), cfg);
  });
});

/** One-hot per-pixel targets [C, H, W, N] from labels [H, W, N]. */
function pixelTargets(labels: number[], C: number): number[] {
  const t = new Array<number>(C * labels.length).fill(0);
  labels.forEach((l, j) => { t[l * labels.length + j] = 1; });
  return t;
}

test('PixelwiseCrossEntropy fused with PixelwiseSoftmax: loss, gradient y − t, float64 check', () => {
  tidy(() => {
    const [C, H, W, N] = [3, 2, 3, 2];
    const labels = Array.from(randomArray(H * W * N, 4, 0, C), Math.floor);
    const t = Tensor.fromArray(ref, pixelTargets(labels, C), [C, H, W, N]);
    const cost = new GeneralizedCost({ costfunc: new PixelwiseCrossEntropy() });
    const z = Tensor.fromArray(ref, randomArray(C * H * W * N, 6, -2, 2), [C, H, W, N], { requiresGrad: true });
    const { loss, y } = cost.loss(z, new PixelwiseSoftmax(), t);
    const yv = y.toArray(), inner = H * W * N;
    let want = 0;
    labels.forEach((l, j) => { want -= Math.log(yv[l * inner + j]); });
    expectClose([loss.item()], [want], F64, 'loss = Σ pixels −log y[label]');
    backward(loss);
    const tv = t.toArray();
    expectClose(z.grad!.toArray(), Array.from(yv, (p, i) => p - tv[i]), F64, 'dz = y − t');
    z.grad!.dispose();
    z.grad = null;
    const r = gradCheck(([a]) => cost.loss(a, new PixelwiseSoftmax(), t).loss, [z]);
    assert.ok(r.ok, r.worst ? `index ${r.worst.index}: ${r.worst.analytic} vs ${r.worst.numeric}` : '');
    // The unfused path (true derivative through the softmax) gives the same loss.
    const unfused = cost.loss(z, new PixelwiseSoftmax({ shortcut: false }), t).loss.item();
    expectClose([unfused], [want], F64, 'unfused');
    assert.throws(() => new GeneralizedCost({ costfunc: new CrossEntropyMulti() }).loss(z, new PixelwiseSoftmax(), t), /needs the PixelwiseCrossEntropy cost/);
    const cfg = cost.config();
    assert.equal(costFromConfig(cfg).config(), cfg);
  });
});

test('a PixelwiseSoftmax head in a layer list is fused by the cost (final Activation)', () => {
  tidy(() => {
    const root = new Sequential([new Deconvolution([2, 2, 3], { strides: 2 }), new Activation(new PixelwiseSoftmax({ c: 3 }))]);
    buildLayers(root, [2, 2, 2], { backend: ref, random: new Random(4) });
    const { pre, final } = root.forwardPre(Tensor.fromArray(ref, randomArray(16, 2), [2, 2, 2, 2]), { training: true, random: new Random(1) });
    assert.equal(pre.shape, [3, 4, 4, 2]);
    assert.is(final?.type, 'PixelwiseSoftmax');
    root.dispose();
  });
});

test.run();
