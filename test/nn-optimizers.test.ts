// Optimizers against a float64 host transcription of neon's optimizer.py (ref float64 backend),
// one step by hand, frozen/gradient-less parameters, and exact resume from getState/setState on
// every test backend.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Backend } from '../src/backends/backend.ts';
import { createRefBackend } from '../src/backends/ref/backend.ts';
import type { Param, ParamKind } from '../src/layers/layer.ts';
import {
  Adagrad, Adam, GradientDescentMomentum, MultiOptimizer, optimizerFromConfig, RMSProp, type Optimizer,
} from '../src/nn/optimizers/index.ts';
import { Schedule } from '../src/nn/schedules.ts';
import { Tensor } from '../src/tensor.ts';
import { testBackends } from './backends.ts';
import { expectClose, F64, randomArray } from './helpers.ts';

const ref = createRefBackend('float64');
const BSZ = 4;
const SPECS: { name: string; kind: ParamKind; shape: number[] }[] = [
  { name: 'Conv_0.W', kind: 'weight', shape: [2, 1, 2, 2] },
  { name: 'Conv_0.b', kind: 'bias', shape: [2] },
  { name: 'Affine_1.W', kind: 'weight', shape: [3, 2] },
  { name: 'Affine_1.gamma', kind: 'gamma', shape: [3] },
];
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function makeParams(backend: Backend): Param[] {
  return SPECS.map((s, i) => ({
    name: s.name, kind: s.kind, value: Tensor.fromArray(backend, randomArray(size(s.shape), 10 + i), s.shape, { requiresGrad: true }),
  }));
}

/** Batch-sum gradients that depend on the weights and the step, so the trajectory depends on the state. */
function gradsFor(ws: ArrayLike<number>[], step: number): number[][] {
  return ws.map((w, p) => Array.from(w, (v, i) => BSZ * (0.8 * v - 0.3) + 3 * Math.sin(1.7 * step + 0.9 * i + p)));
}

function setGrads(params: Param[], step: number): void {
  const gs = gradsFor(params.map((p) => p.value.toArray()), step);
  params.forEach((p, i) => { p.value.grad?.dispose(); p.value.grad = Tensor.fromArray(p.value.backend, gs[i], p.value.shape); });
}

interface HostOpts {
  kind: 'gdm' | 'adam' | 'rmsprop' | 'adagrad';
  lr: number; momentum?: number; wdecay?: number; nesterov?: boolean; schedule?: (lr: number, epoch: number) => number;
  clipNorm?: number; clipValue?: number; paramClip?: number;
}

/** neon optimizer.py, transcribed on float64 arrays (the spec the optimizers must match). */
function hostRun(opts: HostOpts, w0: number[][], epochs: number[]): number[][] {
  const ws = w0.map((w) => [...w]);
  const s1 = ws.map((w) => w.map(() => 0)), s2 = ws.map((w) => w.map(() => 0));
  const clip = (v: number, c?: number) => (c ? Math.min(Math.abs(c), Math.max(-Math.abs(c), v)) : v);
  epochs.forEach((epoch, step) => {
    const gs = gradsFor(ws, step);
    const lr = opts.schedule ? opts.schedule(opts.lr, epoch) : opts.lr;
    let s = 1;
    if (opts.clipNorm) s = opts.clipNorm / Math.max(Math.sqrt(gs.flat().reduce((a, g) => a + g * g, 0)) / BSZ, opts.clipNorm);
    const t = step + 1, l = lr * Math.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t);
    ws.forEach((w, p) => w.forEach((wv, i) => {
      const g = clip(gs[p][i] / BSZ, opts.clipValue);
      let nw: number;
      if (opts.kind === 'gdm') {
        const mu = opts.momentum ?? 0, wd = opts.wdecay ?? 0;
        if (mu === 0) nw = -lr * s * g + (1 - lr * wd) * wv;
        else {
          const gp = s * g + wd * wv;
          s1[p][i] = mu * s1[p][i] - lr * gp;
          nw = opts.nesterov ? wv + mu * s1[p][i] - lr * gp : wv + s1[p][i];
        }
      } else if (opts.kind === 'adam') {
        s1[p][i] = s1[p][i] * 0.9 + 0.1 * g;
        s2[p][i] = s2[p][i] * 0.999 + 0.001 * g * g;
        nw = wv - (s * l * s1[p][i]) / (Math.sqrt(s2[p][i]) + 1e-8);
      } else if (opts.kind === 'rmsprop') {
        s1[p][i] = 0.95 * s1[p][i] + g * g * 0.05;
        nw = wv - (s * g * lr) / (Math.sqrt(s1[p][i] + 1e-6) + 1e-6);
      } else {
        s1[p][i] += g * g;
        nw = wv - (s * g * lr) / Math.sqrt(s1[p][i] + 1e-6);
      }
      w[i] = clip(nw, opts.paramClip);
    }));
  });
  return ws;
}

function ourRun(opt: Optimizer, backend: Backend, epochs: number[], params = makeParams(backend)): Param[] {
  epochs.forEach((epoch, step) => { setGrads(params, step); opt.optimize(params, BSZ, epoch); });
  return params;
}

const EPOCHS = [0, 0, 1, 1, 2];
const W0 = SPECS.map((s, i) => Array.from(randomArray(size(s.shape), 10 + i)));
const CASES: { label: string; make: () => Optimizer; host: HostOpts }[] = [
  { label: 'GDM momentum 0.9, wdecay, step schedule', make: () => new GradientDescentMomentum(0.05, { momentumCoef: 0.9, wdecay: 0.0005, schedule: new Schedule([1, 2], 0.5) }),
    host: { kind: 'gdm', lr: 0.05, momentum: 0.9, wdecay: 0.0005, schedule: (lr, e) => lr * 0.5 ** [1, 2].filter((s) => e >= s).length } },
  { label: 'GDM nesterov', make: () => new GradientDescentMomentum(0.05, { momentumCoef: 0.8, nesterov: true, wdecay: 0.01 }),
    host: { kind: 'gdm', lr: 0.05, momentum: 0.8, nesterov: true, wdecay: 0.01 } },
  { label: 'GDM momentum 0 with wdecay', make: () => new GradientDescentMomentum(0.1, { wdecay: 0.01 }), host: { kind: 'gdm', lr: 0.1, wdecay: 0.01 } },
  { label: 'GDM clip norm + clip value + param clip', make: () => new GradientDescentMomentum(0.5, { momentumCoef: 0.9, gradientClipNorm: 1.5, gradientClipValue: 0.4, paramClipValue: 0.9 }),
    host: { kind: 'gdm', lr: 0.5, momentum: 0.9, clipNorm: 1.5, clipValue: 0.4, paramClip: 0.9 } },
  { label: 'Adam with clip norm (m, v unscaled)', make: () => new Adam({ learningRate: 0.01, gradientClipNorm: 0.5 }), host: { kind: 'adam', lr: 0.01, clipNorm: 0.5 } },
  { label: 'Adam with clip value', make: () => new Adam({ learningRate: 0.01, gradientClipValue: 0.3 }), host: { kind: 'adam', lr: 0.01, clipValue: 0.3 } },
  { label: 'RMSProp with clip norm', make: () => new RMSProp({ learningRate: 0.01, gradientClipNorm: 0.5 }), host: { kind: 'rmsprop', lr: 0.01, clipNorm: 0.5 } },
  { label: 'Adagrad with clip value and param clip', make: () => new Adagrad({ learningRate: 0.1, gradientClipValue: 0.5, paramClipValue: 0.95 }),
    host: { kind: 'adagrad', lr: 0.1, clipValue: 0.5, paramClip: 0.95 } },
];

for (const c of CASES) {
  test(`${c.label}: matches neon's formulas over ${EPOCHS.length} steps (float64)`, () => {
    const want = hostRun(c.host, W0, EPOCHS);
    const got = ourRun(c.make(), ref, EPOCHS);
    got.forEach((p, i) => expectClose(p.value.toArray(), want[i], { rtol: 1e-12, atol: 1e-14 }, `${c.label} ${p.name}`));
  });
}

test('GDM one step by hand: v = μv − lr(dW/bsz + wd·W), W += v', () => {
  const w = Tensor.fromArray(ref, [1, -2], [2], { requiresGrad: true });
  w.grad = Tensor.fromArray(ref, [8, 4], [2]);
  const opt = new GradientDescentMomentum(0.1, { momentumCoef: 0.9, wdecay: 0.5 });
  opt.optimize([{ name: 'A.W', kind: 'weight', value: w }], 4, 0);
  // g' = [2 + 0.5, 1 − 1] = [2.5, 0]; v = [−0.25, 0]; W = [0.75, −2]
  expectClose(w.toArray(), [0.75, -2], F64, 'w');
  expectClose(opt.getState().slots[0].values, [-0.25, 0], F64, 'velocity');
  assert.is(opt.getState().slots[0].name, 'A.W:velocity');
});

test('frozen parameters and parameters without a gradient are skipped, with no state', () => {
  const params = makeParams(ref);
  setGrads(params, 0);
  params[1].value.requiresGrad = false;
  params[2].value.grad?.dispose(); params[2].value.grad = null;
  const before = params.map((p) => Array.from(p.value.toArray()));
  const opt = new GradientDescentMomentum(0.1, { momentumCoef: 0.9, gradientClipNorm: 1 });
  opt.optimize(params, BSZ, 0);
  assert.equal(Array.from(params[1].value.toArray()), before[1], 'frozen unchanged');
  assert.equal(Array.from(params[2].value.toArray()), before[2], 'no gradient: unchanged');
  assert.not.equal(Array.from(params[0].value.toArray()), before[0], 'trainable moved');
  assert.equal(opt.getState().slots.map((s) => s.name), ['Affine_1.gamma:velocity', 'Conv_0.W:velocity']);
});

test('constructor and state errors', () => {
  assert.throws(() => new GradientDescentMomentum(0.1, { nesterov: true }), /nesterov requires a non-zero momentumCoef/);
  assert.throws(() => new Adam().setState(new RMSProp().getState()), /saved by 'RMSProp'/);
  assert.throws(() => new MultiOptimizer({} as never), /'default'/);
  const a = new Adam();
  assert.throws(() => new MultiOptimizer({ default: a, Bias: a }), /reuses an optimizer/);
  const bad = new Adam();
  bad.setState({ type: 'Adam', step: 1, slots: [{ name: 'Conv_0.b:m', values: new Float64Array(5) }] });
  const params = makeParams(ref);
  setGrads(params, 0);
  assert.throws(() => bad.optimize(params, BSZ, 0), /'Conv_0.b:m' holds 5 values, the parameter 2/);
});

test('MultiOptimizer routes by parameter name > sublayer > layer > class > default', () => {
  const seen = new Map<string, string[]>();
  const spy = (tag: string): Optimizer => {
    const o = new GradientDescentMomentum(0.1);
    return Object.assign(o, { optimize: (ps: readonly Param[]) => { seen.set(tag, ps.map((p) => p.name)); } });
  };
  const params = [...makeParams(ref),
    { name: 'Conv_2.beta', kind: 'beta' as const, value: Tensor.fromArray(ref, [0], [1]) },
    { name: 'Affine_3.W', kind: 'weight' as const, value: Tensor.fromArray(ref, [0, 0], [1, 2]) }];
  const m = new MultiOptimizer({ default: spy('default'), Bias: spy('Bias'), BatchNorm: spy('BatchNorm'), Convolution: spy('Convolution'),
    Affine_1: spy('Affine_1'), 'Affine_1.gamma': spy('exact'), Conv_2_bnorm: spy('bnorm') });
  m.optimize(params, BSZ, 0);
  assert.equal(Object.fromEntries(seen), {
    Convolution: ['Conv_0.W'], Bias: ['Conv_0.b'], Affine_1: ['Affine_1.W'], exact: ['Affine_1.gamma'], bnorm: ['Conv_2.beta'], default: ['Affine_3.W'],
  });
  assert.not.ok(seen.has('BatchNorm'), 'an optimizer with no parameters is not called');
});

const RESUME: { label: string; make: () => Optimizer }[] = [
  { label: 'GDM', make: () => new GradientDescentMomentum(0.05, { momentumCoef: 0.9, wdecay: 0.0005, nesterov: true, gradientClipNorm: 2 }) },
  { label: 'Adam', make: () => new Adam({ learningRate: 0.01, gradientClipValue: 0.5 }) },
  { label: 'RMSProp', make: () => new RMSProp({ gradientClipNorm: 1 }) },
  { label: 'Adagrad', make: () => new Adagrad() },
  { label: 'MultiOptimizer', make: () => new MultiOptimizer({ default: new Adam(), Bias: new GradientDescentMomentum(0.1, { momentumCoef: 0.5 }) }) },
];

const backends = await testBackends();
for (const { name, backend } of backends) {
  for (const r of RESUME) {
    test(`${name} ${r.label}: k steps, getState, a new optimizer, setState, N − k steps = N steps, bit for bit`, () => {
      const N = 6, k = 2, epochs = [0, 0, 0, 1, 1, 1];
      const straight = ourRun(r.make(), backend, epochs);
      const first = r.make();
      const params = ourRun(first, backend, epochs.slice(0, k));
      // Through the config and a copy of the state, as the model file would.
      const state = structuredClone(first.getState());
      first.dispose();
      const second = optimizerFromConfig(JSON.parse(JSON.stringify(r.make().config())));
      second.setState(state);
      epochs.slice(k).forEach((epoch, i) => { setGrads(params, k + i); second.optimize(params, BSZ, epoch); });
      params.forEach((p, i) => assert.equal(Array.from(p.value.toArray()), Array.from(straight[i].value.toArray()), `${p.name}`));
      assert.is(second.getState().step, N);
      for (const p of [...params, ...straight]) p.value.dispose();
      second.dispose();
    });
  }
}

test.run();
