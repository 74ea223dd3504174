// Every op's gradient against central differences in float64 on the reference backend.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gradCheck } from '../src/autograd/index.ts';
import { createRefBackend } from '../src/backends/ref/backend.ts';
import { tidy } from '../src/tensor.ts';
import { OP_CASES, makeInputs } from './op-cases.ts';

const backend = createRefBackend('float64');

for (const c of OP_CASES) {
  test(`gradient ${c.name}`, () => {
    tidy(() => {
      const inputs = makeInputs(backend, c.inputs, 11);
      const checked = inputs.filter((_, i) => !c.inputs[i].constant);
      const result = gradCheck((xs) => {
        let k = 0;
        return c.f(inputs.map((t, i) => (c.inputs[i].constant ? t : xs[k++])));
      }, checked, { rtol: 1e-6, atol: 1e-9 });
      const w = result.worst;
      assert.ok(result.ok, w ? `input ${w.input} index ${w.index}: analytic ${w.analytic}, numeric ${w.numeric} (${result.mismatches.length} of ${result.checked} off)` : '');
      assert.ok(result.checked > 0);
    });
  });
}

test('gradients accumulate: a tensor read by two branches gets the sum', () => {
  tidy(() => {
    const [x] = makeInputs(backend, [{ shape: [4, 2] }], 3);
    // y = 2x + (−3)x → dy/dx = −1 everywhere
    const { add, scale } = OP_OPS;
    const y = add(scale(x, 2), scale(x, -3));
    BACKWARD(y);
    const g = x.grad!.toArray();
    for (const v of g) assert.is(v, -1);
  });
});

import * as OP_OPS from '../src/ops/index.ts';
import { backward as BACKWARD } from '../src/autograd/index.ts';

test.run();
