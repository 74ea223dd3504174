// The copy and adagradUpdate kernels on every backend, against hand-computed values.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { testBackends } from './backends.ts';
import { expectClose } from './helpers.ts';

const backends = await testBackends();

for (const { name, backend, tol } of backends) {
  test(`${name} copy: offsets in both buffers, odd length`, () => {
    const x = backend.alloc(9), out = backend.alloc(8);
    backend.write(x, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    backend.write(out, [-1, -1, -1, -1, -1, -1, -1, -1]);
    backend.run('copy', { x, out, n: 5, xOffset: 3, outOffset: 2 });
    expectClose(backend.read(out), [-1, -1, 4, 5, 6, 7, 8, -1], tol, `${name} copy`);
    backend.dispose(x); backend.dispose(out);
  });

  test(`${name} adagradUpdate: two steps by hand`, () => {
    const w = backend.alloc(3), g = backend.alloc(3), acc = backend.alloc(3);
    backend.write(w, [1, -2, 0.5]);
    backend.write(g, [4, -2, 0]);
    const step = () => backend.run('adagradUpdate', { w, g, acc, n: 3, lr: 0.1, eps: 1e-6, gradScale: 0.5 });
    step();
    // g' = [2, −1, 0]; acc = [4, 1, 0]; w −= 0.1·g'/√(acc + eps)
    const w1 = [1 - 0.1 * 2 / Math.sqrt(4 + 1e-6), -2 + 0.1 * 1 / Math.sqrt(1 + 1e-6), 0.5];
    expectClose(backend.read(w), w1, tol, `${name} adagrad step 1 w`);
    expectClose(backend.read(acc), [4, 1, 0], tol, `${name} adagrad step 1 acc`);
    step();
    const w2 = [w1[0] - 0.1 * 2 / Math.sqrt(8 + 1e-6), w1[1] + 0.1 * 1 / Math.sqrt(2 + 1e-6), 0.5];
    expectClose(backend.read(w), w2, tol, `${name} adagrad step 2 w`);
    assert.ok(true);
    for (const b of [w, g, acc]) backend.dispose(b);
  });
}

test.run();
