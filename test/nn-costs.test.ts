// GeneralizedCost: the fused shortcut pairs, the unfused true derivatives, scale/usebits, the
// pairing errors, mean() and config round trips, on the float64 reference backend.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backward } from '../src/autograd/index.ts';
import { createRefBackend } from '../src/backends/ref/backend.ts';
import { Logistic, Softmax, Tanh } from '../src/nn/activations.ts';
import * as ops from '../src/ops/index.ts';
import {
  costFromConfig, CrossEntropyBinary, CrossEntropyMulti, GeneralizedCost, MeanSquared, SumSquared, type FinalActivation,
} from '../src/nn/costs.ts';
import { Tensor } from '../src/tensor.ts';
import { expectClose, F64, randomArray } from './helpers.ts';

const be = createRefBackend('float64');
const C = 3, N = 4;
const Z = Array.from(randomArray(C * N, 7, -2, 2));
// One-hot targets, class of sample j = j % C, laid out [C, N].
const T = Array.from({ length: C * N }, (_, i) => (Math.floor(i / N) === (i % N) % C ? 1 : 0));

const logistic = (shortcut: boolean): FinalActivation => ({ type: 'Logistic', shortcut, apply: (x) => ops.logistic(x) });
const softmax = (shortcut: boolean): FinalActivation => ({ type: 'Softmax', shortcut, apply: (x) => ops.softmax(x) });
const sig = (v: number) => 1 / (1 + Math.exp(-v));
function softmaxHost(z: number[]): number[] {
  const y = new Array<number>(z.length);
  for (let j = 0; j < N; j++) {
    let m = -Infinity, s = 0;
    for (let k = 0; k < C; k++) m = Math.max(m, z[k * N + j]);
    for (let k = 0; k < C; k++) s += Math.exp(z[k * N + j] - m);
    for (let k = 0; k < C; k++) y[k * N + j] = Math.exp(z[k * N + j] - m) / s;
  }
  return y;
}

function run(cost: GeneralizedCost, final: FinalActivation | null, z = Z, t = T) {
  const pre = Tensor.fromArray(be, z, [C, N], { requiresGrad: true });
  const target = Tensor.fromArray(be, t, [C, N]);
  const { loss, y } = cost.loss(pre, final, target);
  const value = loss.item(), yv = Array.from(y.toArray());
  backward(loss);
  return { value, y: yv, grad: Array.from(pre.grad!.toArray()) };
}

test('Logistic(shortcut) + CrossEntropyBinary: fused, loss by hand, delta exactly y − t', () => {
  const r = run(new GeneralizedCost({ costfunc: new CrossEntropyBinary() }), logistic(true));
  const y = Z.map(sig);
  const loss = y.reduce((a, p, i) => a - T[i] * Math.log(p) - (1 - T[i]) * Math.log(1 - p), 0);
  expectClose(r.y, y, F64, 'y');
  expectClose([r.value], [loss], F64, 'loss');
  assert.equal(r.grad, r.y.map((p, i) => p - T[i]), 'delta is y − t bit for bit');
});

test('Softmax(shortcut) + CrossEntropyMulti: fused, delta y − t; usebits and scale multiply both', () => {
  const y = softmaxHost(Z);
  const loss = y.reduce((a, p, i) => a - T[i] * Math.log(p), 0);
  const r = run(new GeneralizedCost({ costfunc: new CrossEntropyMulti() }), softmax(true));
  expectClose([r.value], [loss], F64, 'loss');
  expectClose(r.grad, y.map((p, i) => p - T[i]), F64, 'delta');
  const f = 3 / Math.LN2;
  const b = run(new GeneralizedCost({ costfunc: new CrossEntropyMulti({ scale: 3, usebits: true }) }), softmax(true));
  expectClose([b.value], [loss * f], F64, 'scaled loss in bits');
  expectClose(b.grad, y.map((p, i) => f * (p - T[i])), F64, 'scaled delta');
});

test('a shortcut activation with another cost throws, naming both and the fix', () => {
  const pairs: [FinalActivation, GeneralizedCost, RegExp][] = [
    [logistic(true), new GeneralizedCost({ costfunc: new SumSquared() }), /Logistic.*CrossEntropyBinary.*SumSquared.*Logistic\(\{ shortcut: false \}\)/],
    [logistic(true), new GeneralizedCost({ costfunc: new CrossEntropyMulti() }), /CrossEntropyMulti.*shortcut: false/],
    [softmax(true), new GeneralizedCost({ costfunc: new CrossEntropyBinary() }), /Softmax.*CrossEntropyMulti.*CrossEntropyBinary.*Softmax\(\{ shortcut: false \}\)/],
    [softmax(true), new GeneralizedCost({ costfunc: new MeanSquared() }), /MeanSquared/],
  ];
  for (const [act, cost, re] of pairs) assert.throws(() => run(cost, act), re);
});

test('Logistic(shortcut: false) + CrossEntropyBinary: unfused, true derivative (also y − t here)', () => {
  const r = run(new GeneralizedCost({ costfunc: new CrossEntropyBinary({ scale: 2 }) }), logistic(false));
  const y = Z.map(sig);
  const loss = y.reduce((a, p, i) => a - T[i] * Math.log(p) - (1 - T[i]) * Math.log(1 - p), 0);
  expectClose([r.value], [2 * loss], F64, 'loss');
  expectClose(r.grad, y.map((p, i) => 2 * (p - T[i])), { rtol: 1e-9, atol: 1e-12 }, 'chain rule gives 2(y − t)');
});

test('Softmax(shortcut: false) + SumSquared: true derivative through the softmax', () => {
  const r = run(new GeneralizedCost({ costfunc: new SumSquared() }), softmax(false));
  const y = softmaxHost(Z);
  const e = y.map((p, i) => p - T[i]);
  expectClose([r.value], [e.reduce((a, d) => a + d * d / 2, 0)], F64, 'loss');
  const g = new Array<number>(C * N);
  for (let j = 0; j < N; j++) {
    let dot = 0;
    for (let k = 0; k < C; k++) dot += y[k * N + j] * e[k * N + j];
    for (let k = 0; k < C; k++) g[k * N + j] = y[k * N + j] * (e[k * N + j] - dot);
  }
  expectClose(r.grad, g, F64, 'softmax Jacobian × (y − t)');
});

test('no final activation: SumSquared and MeanSquared on the raw outputs', () => {
  const s = run(new GeneralizedCost({ costfunc: new SumSquared() }), null);
  const e = Z.map((v, i) => v - T[i]);
  expectClose([s.value], [e.reduce((a, d) => a + d * d / 2, 0)], F64, 'SumSquared loss');
  expectClose(s.grad, e, F64, 'SumSquared delta');
  assert.equal(s.y, Z, 'y is the input');
  const m = run(new GeneralizedCost({ costfunc: new MeanSquared() }), null);
  expectClose([m.value], [e.reduce((a, d) => a + d * d / 2 / C, 0)], F64, 'MeanSquared loss');
  expectClose(m.grad, e.map((d) => d / C), F64, 'MeanSquared delta');
});

test('an activation without shortcut (Tanh) goes through apply with any cost', () => {
  const tanh: FinalActivation = { type: 'Tanh', apply: (x) => ops.tanh(x) };
  const r = run(new GeneralizedCost({ costfunc: new SumSquared() }), tanh);
  const e = Z.map((v, i) => Math.tanh(v) - T[i]);
  expectClose(r.grad, e.map((d, i) => d * (1 - Math.tanh(Z[i]) ** 2)), F64, 'tanh chain rule');
});

test('the real activation classes: Logistic({ shortcut: true }) fuses, Softmax() defaults to shortcut', () => {
  const fused = run(new GeneralizedCost({ costfunc: new CrossEntropyBinary() }), new Logistic({ shortcut: true }));
  assert.equal(fused.grad, fused.y.map((p, i) => p - T[i]));
  assert.throws(() => run(new GeneralizedCost({ costfunc: new SumSquared() }), new Softmax()), /Softmax\(\{ shortcut: false \}\)/);
  const plain = run(new GeneralizedCost({ costfunc: new SumSquared() }), new Softmax({ shortcut: false }));
  const direct = run(new GeneralizedCost({ costfunc: new SumSquared() }), softmax(false));
  assert.equal(plain.grad, direct.grad);
  const t = run(new GeneralizedCost({ costfunc: new SumSquared() }), new Tanh());
  expectClose(t.y, Z.map(Math.tanh), F64, 'Tanh applied');
});

test('mean() is the batch mean; config round-trips; bad configs throw', () => {
  const cost = new GeneralizedCost({ costfunc: new CrossEntropyMulti({ scale: 0.5, usebits: true }) });
  assert.is(cost.mean(10, 4), 2.5);
  assert.is(cost.mean(Tensor.scalar(be, 6), 3), 2);
  const back = costFromConfig(JSON.parse(JSON.stringify(cost.config())));
  assert.equal(back.config(), { type: 'GeneralizedCost', costfunc: { type: 'CrossEntropyMulti', scale: 0.5, usebits: true } });
  for (const cf of [new CrossEntropyBinary({ scale: 2 }), new SumSquared(), new MeanSquared()]) {
    const c = new GeneralizedCost({ costfunc: cf });
    assert.equal(costFromConfig(c.config()).config(), c.config());
  }
  assert.throws(() => costFromConfig({ type: 'GeneralizedCost', costfunc: { type: 'Hinge' } } as never), /unknown cost function 'Hinge'/);
});

test.run();
