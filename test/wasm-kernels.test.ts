// wasm elementwise, per-channel and activation kernels against ref-f64: sizes around the f32x4
// width (1, 3, 4, 7, 17), larger ones, aliasing where the contract allows it.
import { test } from 'uvu';
import { compareWasm, rand } from './wasm-harness.ts';

const SIZES = [1, 3, 4, 7, 17, 1001];

for (const n of SIZES) {
  const x = rand(n, n + 1), y = rand(n, n + 2, -3, 3);
  test(`axpby n=${n}`, () => compareWasm({
    kernel: 'axpby', label: `n=${n}`, buffers: { x, y, out: { size: n } },
    args: (b) => ({ x: b.x, y: b.y, out: b.out, n, a: 0.75, b: -1.5 }), check: ['out'],
  }));
  test(`axpby n=${n} out aliases y`, () => compareWasm({
    kernel: 'axpby', label: `n=${n} alias`, buffers: { x, y },
    args: (b) => ({ x: b.x, y: b.y, out: b.y, n, a: 2, b: 0.3 }), check: ['y'],
  }));
  test(`mul n=${n}`, () => compareWasm({
    kernel: 'mul', label: `n=${n}`, buffers: { x, y, out: { size: n } },
    args: (b) => ({ x: b.x, y: b.y, out: b.out, n }), check: ['out'],
  }));
  test(`mul n=${n} out aliases x`, () => compareWasm({
    kernel: 'mul', label: `n=${n} alias`, buffers: { x, y },
    args: (b) => ({ x: b.x, y: b.y, out: b.x, n }), check: ['x'],
  }));
  test(`scale n=${n}`, () => compareWasm({
    kernel: 'scale', label: `n=${n}`, buffers: { x, out: { size: n } },
    args: (b) => ({ x: b.x, out: b.out, n, alpha: -0.37 }), check: ['out'],
  }));
  test(`copy n=${n} with offsets`, () => compareWasm({
    kernel: 'copy', label: `n=${n}`, buffers: { x: rand(n + 3, 13), out: { size: n + 6 } },
    args: (b) => ({ x: b.x, out: b.out, n, xOffset: 3, outOffset: 5 }), check: ['out'],
  }));
  test(`copy n=${n} within one buffer`, () => compareWasm({
    kernel: 'copy', label: `n=${n} same buffer`, buffers: { x: rand(2 * n + 1, 14) },
    args: (b) => ({ x: b.x, out: b.x, n, xOffset: 0, outOffset: n + 1 }), check: ['x'],
  }));
  test(`fill n=${n} (tail of the buffer untouched)`, () => compareWasm({
    kernel: 'fill', label: `n=${n}`, buffers: { x: rand(n + 5, 9) },
    args: (b) => ({ x: b.x, n, value: 2.5 }), check: ['x'],
  }));
  test(`clip n=${n}`, () => compareWasm({
    kernel: 'clip', label: `n=${n}`, buffers: { y, out: { size: n } },
    args: (b) => ({ x: b.y, out: b.out, n, limit: 1.25 }), check: ['out'],
  }));
  test(`clip n=${n} in place`, () => compareWasm({
    kernel: 'clip', label: `n=${n} alias`, buffers: { y },
    args: (b) => ({ x: b.y, out: b.y, n, limit: 0.5 }), check: ['y'],
  }));
}

for (const n of [1, 3, 4, 7, 17, 1001, 100003]) {
  // Mixed signs (cancellation) and one-signed data (long accumulation).
  test(`sum n=${n}`, () => compareWasm({
    kernel: 'sum', label: `n=${n}`, buffers: { x: rand(n, 7 * n, -1, 1.02), out: { size: 1 } },
    args: (b) => ({ x: b.x, out: b.out, n }), check: ['out'],
  }));
  test(`sum n=${n} positive`, () => compareWasm({
    kernel: 'sum', label: `n=${n} positive`, buffers: { x: rand(n, 3 * n, 0, 1), out: { size: 1 } },
    args: (b) => ({ x: b.x, out: b.out, n }), check: ['out'],
  }));
  test(`sumSquares n=${n}`, () => compareWasm({
    kernel: 'sumSquares', label: `n=${n}`, buffers: { x: rand(n, 5 * n, -2, 2), out: { size: 1 } },
    args: (b) => ({ x: b.x, out: b.out, n }), check: ['out'],
  }));
}

for (const [channels, inner] of [[1, 1], [3, 1], [1, 7], [3, 5], [4, 27], [3, 16384]]) {
  const shape = `${channels}x${inner}`, len = channels * inner;
  test(`biasAdd ${shape}`, () => compareWasm({
    kernel: 'biasAdd', label: shape, buffers: { x: rand(len, len), bias: rand(channels, 11), y: { size: len } },
    args: (b) => ({ x: b.x, bias: b.bias, y: b.y, channels, inner }), check: ['y'],
  }));
  test(`biasAdd ${shape} in place`, () => compareWasm({
    kernel: 'biasAdd', label: `${shape} alias`, buffers: { x: rand(len, len), bias: rand(channels, 11) },
    args: (b) => ({ x: b.x, bias: b.bias, y: b.x, channels, inner }), check: ['x'],
  }));
  test(`biasGrad ${shape}`, () => compareWasm({
    kernel: 'biasGrad', label: shape, buffers: { dy: rand(len, len + 3), db: { size: channels } },
    args: (b) => ({ dy: b.dy, db: b.db, channels, inner }), check: ['db'],
  }));
}

// ---- activations ----
for (const n of SIZES) {
  const x = rand(n, 50 + n, -4, 4);
  // Outputs with exact zeros mixed in (the gradients branch on the sign of y).
  const y = rand(n, 60 + n, -1, 1).map((v, i) => (i % 5 === 2 ? 0 : v));
  const y01 = rand(n, 70 + n, 0, 1), dy = rand(n, 80 + n);
  for (const slope of [0, 0.1]) {
    test(`rectlin n=${n} slope=${slope}`, () => compareWasm({
      kernel: 'rectlin', label: `n=${n} slope=${slope}`, buffers: { x, y: { size: n } },
      args: (b) => ({ x: b.x, y: b.y, n, slope }), check: ['y'],
    }));
    test(`rectlinGrad n=${n} slope=${slope}`, () => compareWasm({
      kernel: 'rectlinGrad', label: `n=${n} slope=${slope}`, buffers: { y, dy, dx: { size: n } },
      args: (b) => ({ y: b.y, dy: b.dy, dx: b.dx, n, slope }), check: ['dx'],
    }));
  }
  for (const alpha of [1, 0.5]) {
    test(`explin n=${n} alpha=${alpha}`, () => compareWasm({
      kernel: 'explin', label: `n=${n} alpha=${alpha}`, buffers: { x },
      args: (b) => ({ x: b.x, y: b.x, n, alpha }), check: ['x'],
    }));
    test(`explinGrad n=${n} alpha=${alpha}`, () => compareWasm({
      kernel: 'explinGrad', label: `n=${n} alpha=${alpha}`, buffers: { y, dy, dx: { size: n } },
      args: (b) => ({ y: b.y, dy: b.dy, dx: b.dx, n, alpha }), check: ['dx'],
    }));
  }
  test(`logistic n=${n} (|x| up to 120)`, () => compareWasm({
    kernel: 'logistic', label: `n=${n}`, buffers: { x: rand(n, 90 + n, -120, 120), y: { size: n } },
    args: (b) => ({ x: b.x, y: b.y, n }), check: ['y'],
  }));
  test(`logistic n=${n} in place`, () => compareWasm({
    kernel: 'logistic', label: `n=${n} alias`, buffers: { x },
    args: (b) => ({ x: b.x, y: b.x, n }), check: ['x'],
  }));
  test(`logisticGrad n=${n}`, () => compareWasm({
    kernel: 'logisticGrad', label: `n=${n}`, buffers: { y: y01, dy, dx: { size: n } },
    args: (b) => ({ y: b.y, dy: b.dy, dx: b.dx, n }), check: ['dx'],
  }));
  test(`tanh n=${n}`, () => compareWasm({
    kernel: 'tanh', label: `n=${n}`, buffers: { x: rand(n, 95 + n, -12, 12), y: { size: n } },
    args: (b) => ({ x: b.x, y: b.y, n }), check: ['y'],
  }));
  test(`tanhGrad n=${n}`, () => compareWasm({
    kernel: 'tanhGrad', label: `n=${n}`, buffers: { y, dy, dx: { size: n } },
    args: (b) => ({ y: b.y, dy: b.dy, dx: b.dx, n }), check: ['dx'],
  }));
}

for (const [classes, batch] of [[1, 1], [3, 1], [10, 5], [10, 7], [2, 128], [1000, 3]]) {
  const shape = `${classes}x${batch}`, len = classes * batch;
  test(`softmax ${shape}`, () => compareWasm({
    kernel: 'softmax', label: shape, buffers: { x: rand(len, len, -5, 5), y: { size: len } },
    args: (b) => ({ x: b.x, y: b.y, classes, batch }), check: ['y'],
  }));
  test(`softmax ${shape} large logits (max-subtracted)`, () => compareWasm({
    kernel: 'softmax', label: `${shape} large`, buffers: { x: rand(len, len + 1, 80, 120), y: { size: len } },
    args: (b) => ({ x: b.x, y: b.y, classes, batch }), check: ['y'],
  }));
  test(`softmaxGrad ${shape}`, () => compareWasm({
    kernel: 'softmaxGrad', label: shape,
    buffers: { y: rand(len, len + 2, 0, 1), dy: rand(len, len + 3), dx: { size: len } },
    args: (b) => ({ y: b.y, dy: b.dy, dx: b.dx, classes, batch }), check: ['dx'],
  }));
}

test.run();
