// conv, pool and batchNorm forward and backward on every backend against PyTorch float64 vectors
// (test/fixtures/*.json, written by tools/fixtures/generate.py with neon's semantics emulated where
// torch differs). Gradients are those of Σ y·gy, so backward is seeded with the fixture's gy. The
// 3×3 stride-1 cases run again with Winograd forced.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '../src/tensor.ts';
import { batchNorm, biasAdd, conv, pool, withConvAlgorithm } from '../src/ops/index.ts';
import { backward } from '../src/autograd/index.ts';
import { testBackends } from './backends.ts';
import { expectClose, type Tolerance } from './helpers.ts';

type PerDim = number | number[];

interface ConvCase {
  name: string; dims: number; xShape: number[]; wShape: number[]; yShape: number[];
  stride: PerDim; pad: PerDim; dilation: PerDim; bias: boolean;
  x: number[]; w: number[]; b?: number[]; y: number[]; gy: number[]; gx: number[]; gw: number[]; gb?: number[];
}
interface PoolCase {
  name: string; op: 'max' | 'avg' | 'l2'; dims: number; xShape: number[]; yShape: number[];
  window: PerDim | 'all'; stride?: PerDim; pad: PerDim; torchBuiltin: boolean;
  x: number[]; y: number[]; gy: number[]; gx: number[];
}
interface BnPass { x: number[]; y: number[]; gy: number[]; gx: number[]; ggamma: number[]; gbeta: number[]; runMean: number[]; runVar: number[] }
interface BnCase {
  name: string; xShape: number[]; channels: number; rho: number; eps: number;
  gamma: number[]; beta: number[]; train: BnPass[]; infer: BnPass;
}
interface FixtureFile<C> { generator: string; torch: string; cases: C[] }

function load<C>(file: string): FixtureFile<C> {
  return JSON.parse(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8')) as FixtureFile<C>;
}

const convFile = load<ConvCase>('conv.json');
const poolFile = load<PoolCase>('pool.json');
const bnFile = load<BnCase>('batchnorm.json');
const backends = await testBackends();

function gradOf(t: Tensor, label: string): Float32Array | Float64Array {
  if (t.grad === null) assert.unreachable(`${label}: no gradient`);
  return t.grad!.toArray();
}

test('fixture files are the generator\'s and non-trivial', () => {
  for (const f of [convFile, poolFile, bnFile]) {
    assert.is(f.generator, 'tools/fixtures/generate.py');
    assert.ok(f.cases.length >= 4);
  }
  const hand = convFile.cases.find((c) => c.name.startsWith('conv 2d hand-checkable'));
  assert.equal(hand?.y, [0.5, 11.5, 9.5, 40.5, 84.5, 40.5, 24.5, 41.5, 15.5]);
});

/** A fixture the Winograd kernels take: 2-D, 3×3, stride 1. */
const winogradCase = (c: ConvCase): boolean =>
  c.dims === 2 && c.wShape[2] === 3 && c.wShape[3] === 3 && [c.stride].flat().every((s) => s === 1);

for (const { name: bname, backend, tol } of backends) {
  // Each case as the planner runs it, and the Winograd-eligible ones again with Winograd forced.
  const runs = convFile.cases.flatMap((c) => [{ c, winograd: false }, ...(winogradCase(c) ? [{ c, winograd: true }] : [])]);
  for (const { c, winograd } of runs) {
    const run = <T>(fn: () => T): T => (winograd ? withConvAlgorithm('winograd', fn) : fn());
    test(`${bname} ${c.name}${winograd ? ' (Winograd)' : ''}`, () => run(() => {
      const label = `${bname} ${c.name}${winograd ? ' (Winograd)' : ''}`;
      const x = Tensor.fromArray(backend, c.x, c.xShape, { requiresGrad: true });
      const w = Tensor.fromArray(backend, c.w, c.wShape, { requiresGrad: true });
      const b = c.b ? Tensor.fromArray(backend, c.b, [c.wShape[0]], { requiresGrad: true }) : null;
      const gy = Tensor.fromArray(backend, c.gy, c.yShape);
      const z = conv(x, w, { stride: c.stride, pad: c.pad, dilation: c.dilation });
      const y = b ? biasAdd(z, b) : z;
      try {
        assert.equal([...y.shape], c.yShape, `${label}: y shape`);
        expectClose(y.toArray(), c.y, tol, `${label} y`);
        backward(y, gy);
        expectClose(gradOf(x, `${label} gx`), c.gx, tol, `${label} gx`);
        expectClose(gradOf(w, `${label} gw`), c.gw, tol, `${label} gw`);
        if (b && c.gb) expectClose(gradOf(b, `${label} gb`), c.gb, tol, `${label} gb`);
      } finally {
        for (const t of [x, w, b, gy, z, y]) t?.dispose();
      }
    }));
  }

  for (const c of poolFile.cases) {
    test(`${bname} pool ${c.name}`, () => {
      const label = `${bname} pool ${c.name}`;
      const x = Tensor.fromArray(backend, c.x, c.xShape, { requiresGrad: true });
      const gy = Tensor.fromArray(backend, c.gy, c.yShape);
      const y = pool(x, { window: c.window, pad: c.pad, op: c.op, ...(c.stride === undefined ? {} : { stride: c.stride }) });
      try {
        assert.equal([...y.shape], c.yShape, `${label}: y shape`);
        expectClose(y.toArray(), c.y, tol, `${label} y`);
        backward(y, gy);
        expectClose(gradOf(x, `${label} gx`), c.gx, tol, `${label} gx`);
      } finally {
        for (const t of [x, gy, y]) t.dispose();
      }
    });
  }

  for (const c of bnFile.cases) {
    const pass = (label: string, p: BnPass, state: { runMean: Tensor; runVar: Tensor }, training: boolean, t: Tolerance): void => {
      const x = Tensor.fromArray(backend, p.x, c.xShape, { requiresGrad: true });
      const gamma = Tensor.fromArray(backend, c.gamma, [c.channels], { requiresGrad: true });
      const beta = Tensor.fromArray(backend, c.beta, [c.channels], { requiresGrad: true });
      const gy = Tensor.fromArray(backend, p.gy, c.xShape);
      const y = batchNorm(x, gamma, beta, state, { rho: c.rho, eps: c.eps, training });
      try {
        expectClose(y.toArray(), p.y, t, `${label} y`);
        // Training updates the running stats in place; inference must leave them alone.
        expectClose(state.runMean.toArray(), p.runMean, t, `${label} runMean`);
        expectClose(state.runVar.toArray(), p.runVar, t, `${label} runVar`);
        backward(y, gy);
        expectClose(gradOf(x, `${label} gx`), p.gx, t, `${label} gx`);
        expectClose(gradOf(gamma, `${label} ggamma`), p.ggamma, t, `${label} ggamma`);
        expectClose(gradOf(beta, `${label} gbeta`), p.gbeta, t, `${label} gbeta`);
      } finally {
        for (const u of [x, gamma, beta, gy, y]) u.dispose();
      }
    };

    test(`${bname} ${c.name} training, 2 steps from zero running stats`, () => {
      const state = { runMean: Tensor.zeros(backend, [c.channels]), runVar: Tensor.zeros(backend, [c.channels]) };
      try {
        c.train.forEach((p, i) => pass(`${bname} ${c.name} training step ${i + 1}`, p, state, true, tol));
      } finally {
        state.runMean.dispose();
        state.runVar.dispose();
      }
    });

    test(`${bname} ${c.name} inference`, () => {
      const state = {
        runMean: Tensor.fromArray(backend, c.infer.runMean, [c.channels]),
        runVar: Tensor.fromArray(backend, c.infer.runVar, [c.channels]),
      };
      try {
        pass(`${bname} ${c.name} inference`, c.infer, state, false, tol);
      } finally {
        state.runMean.dispose();
        state.runVar.dispose();
      }
    });
  }
}

test.run();
