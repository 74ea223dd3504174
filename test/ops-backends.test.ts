// One suite, every backend: each op's forward output and input gradients against ref-f64.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backward } from '../src/autograd/index.ts';
import type { Backend } from '../src/backends/backend.ts';
import { Tensor, tidy } from '../src/tensor.ts';
import { testBackends } from './backends.ts';
import { expectClose, randomArray } from './helpers.ts';
import { OP_CASES, makeInputs, type OpCase } from './op-cases.ts';

interface Run { y: Float64Array; grads: (Float64Array | null)[] }

function runCase(backend: Backend, c: OpCase): Run {
  return tidy(() => {
    const inputs = makeInputs(backend, c.inputs, 23);
    const y = c.f(inputs);
    const seed = Tensor.fromArray(backend, randomArray(y.size, 5), y.shape);
    const out = Float64Array.from(y.toArray());
    backward(y, seed);
    return { y: out, grads: inputs.map((x, i) => (c.inputs[i].constant || !x.grad ? null : Float64Array.from(x.grad.toArray()))) };
  });
}

const backends = await testBackends();
const reference = backends.find((b) => b.name === 'ref-f64')!;

for (const { name, backend, tol } of backends) {
  if (name === 'ref-f64') continue;
  for (const c of OP_CASES) {
    test(`${name} ${c.name}`, () => {
      const expected = runCase(reference.backend, c);
      const actual = runCase(backend, c);
      expectClose(actual.y, expected.y, tol, `${name} ${c.name} forward`);
      expected.grads.forEach((g, i) => {
        if (!g) return;
        assert.ok(actual.grads[i], `${name} ${c.name}: input ${i} got no gradient`);
        expectClose(actual.grads[i]!, g, tol, `${name} ${c.name} gradient of input ${i}`);
      });
    });
  }
}

test('every backend releases what a forward + backward allocated', () => {
  for (const { name, backend } of backends) {
    const before = backend.memory().buffers;
    for (const c of OP_CASES) runCase(backend, c);
    assert.is(backend.memory().buffers, before, `${name}: live buffers before ${before}, after ${backend.memory().buffers}`);
  }
});

test.run();
