// Bad input throws an error that names the op and the expected and actual values; nothing is
// silently truncated.
import { test } from 'uvu';
import { dispatch } from '../src/backends/backend.ts';
import { createRefBackend } from '../src/backends/ref/backend.ts';
import * as ops from '../src/ops/index.ts';
import { Tensor } from '../src/tensor.ts';
import { throwsWith } from './data-fixtures.ts';

const be = createRefBackend('float64');
const t = (shape: number[]) => Tensor.zeros(be, shape);

test('conv: channel mismatch names both channel counts', async () => {
  await throwsWith(() => ops.conv(t([3, 8, 8, 2]), t([4, 2, 3, 3])), 'conv', 'expect 2 input channels', 'has 3');
});

test('conv: weight rank must match the input', async () => {
  await throwsWith(() => ops.conv(t([3, 8, 8, 2]), t([4, 3, 3])), 'conv', '[4, 3, 3]', '2 window dim');
});

test('conv: dilation that makes the kernel larger than the padded input', async () => {
  await throwsWith(() => ops.conv(t([1, 5, 5, 1]), t([1, 1, 3, 3]), { dilation: 3 }), 'conv', 'spans 7 cells', 'padded input has 5');
});

test('conv: zero or negative stride, negative padding', async () => {
  await throwsWith(() => ops.conv(t([1, 5, 5, 1]), t([1, 1, 3, 3]), { stride: 0 }), 'conv', 'stride', '≥ 1', 'got 0');
  await throwsWith(() => ops.conv(t([1, 5, 5, 1]), t([1, 1, 3, 3]), { pad: -1 }), 'conv', 'padding', '≥ 0', 'got -1');
  await throwsWith(() => ops.conv(t([1, 5, 5, 1]), t([1, 1, 3, 3]), { stride: [1, 2, 3] }), 'conv', 'stride needs 2 value(s)', 'got 3');
});

test('pool: padding ≥ window is an error (neon backend.py:528)', async () => {
  await throwsWith(() => ops.pool(t([1, 6, 6, 1]), { window: 3, pad: 3 }), 'pool(max)', 'padding must be smaller than the window', 'padding 3 for window 3');
});

test('pool: unknown op and a window larger than the input', async () => {
  await throwsWith(() => ops.pool(t([1, 6, 6, 1]), { window: 2, op: 'median' as 'max' }), 'pool', "'median'");
  await throwsWith(() => ops.pool(t([1, 4, 4, 1]), { window: 5 }), 'pool(max)', 'spans 5 cells', 'padded input has 4');
});

test('shapes: zero and negative sizes are refused', async () => {
  await throwsWith(() => Tensor.zeros(be, [3, 0, 2]), 'Tensor', 'positive integer', '[3, 0, 2]');
  await throwsWith(() => Tensor.fromArray(be, [1, 2, 3], [2, 2]), 'Tensor.fromArray', '3 values', '[2, 2]');
  await throwsWith(() => be.alloc(-1), 'alloc', '-1');
});

test('matmul, add, batchNorm, reshape: mismatched shapes name expected and actual', async () => {
  await throwsWith(() => ops.matmul(t([2, 3]), t([4, 5])), 'matmul', 'op(A) is 2×3', 'op(B) is 4×5');
  await throwsWith(() => ops.add(t([2, 3]), t([3, 2])), 'add', 'must have shape [2, 3]', 'got [3, 2]');
  await throwsWith(() => ops.batchNorm(t([3, 4, 2]), t([2]), t([3]), { runMean: t([3]), runVar: t([3]) }, { training: true }),
    'batchNorm', 'gamma', '[3]', 'got [2]');
  await throwsWith(() => ops.reshape(t([2, 3]), [4, 2]), 'reshape', '[2, 3]', '[4, 2]');
});

test('costs: targets of another shape, softmax targets that are not distributions', async () => {
  await throwsWith(() => ops.sumSquared(t([2, 3]), t([3, 2])), 'sumSquared', 'targets', '[2, 3]', 'got [3, 2]');
  await throwsWith(() => ops.softmaxCrossEntropyMulti(t([3, 2]), t([3, 2])), 'softmaxCrossEntropyMulti', 'sample 0', 'sum to 0');
});

test('a missing kernel names the kernel and the backend', async () => {
  await throwsWith(() => dispatch({}, 'toy', 'gemm', { a: t([1]).buf, b: t([1]).buf, c: t([1]).buf, m: 1, n: 1, k: 1, transA: false, transB: false, alpha: 1, beta: 0 }),
    "Kernel 'gemm'", "backend 'toy'");
});

test('a disposed tensor cannot be used', async () => {
  const x = t([2, 2]);
  x.dispose();
  await throwsWith(() => ops.scale(x, 2), 'used after dispose');
});

test('tensors on different backends cannot meet', async () => {
  const other = createRefBackend('float32');
  await throwsWith(() => ops.add(t([2]), Tensor.zeros(other, [2])), 'add', 'different backends');
});

test.run();
