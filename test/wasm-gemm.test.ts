// The wasm SGEMM against a float64 triple loop: edge tiles (sizes not divisible by the 4×8 register
// block), several k blocks, every transpose combination, alpha/beta, and beta = 0 over NaN.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DeviceBuffer } from '../src/backends/backend.ts';
import { createWasmBackend, type WasmBackend } from '../src/backends/wasm/backend.ts';
import { sgemmScratchBytes } from '../src/backends/wasm/kernels/gemm.ts';
import { relaxedSimdSupported } from '../src/backends/wasm/module.ts';
import { F32, randomArray } from './helpers.ts';

type Shape = [m: number, n: number, k: number];

/** Awkward shapes: 1s, primes, k above the 384 k-block, m above the 128 m-block, n above 512, and
 *  a small C over a k long enough to be split into chunks (9 chunks of 16,384, the last one short). */
const SHAPES: Shape[] = [
  [1, 1, 1], [3, 5, 7], [17, 33, 9], [64, 1, 64], [1, 64, 64], [65, 67, 129], [128, 96, 300],
  [131, 21, 800], [9, 530, 20], [5, 3, 8 * 16384 + 77],
];
const SCALES: [alpha: number, beta: number][] = [[1, 0], [0.75, 1], [-1.5, 0.5], [2, 0]];
const TRANSPOSES: [boolean, boolean][] = [[false, false], [false, true], [true, false], [true, true]];

const f32 = (n: number, seed: number): Float64Array => randomArray(n, seed).map(Math.fround);

/** alpha·op(A)·op(B) + beta·C in float64 (C not read when beta = 0), and the magnitude
 *  |alpha|·Σ|a·b| + |beta·c| of each entry's terms, which bounds its float32 rounding error. */
function reference(a: Float64Array, b: Float64Array, c: Float64Array, [m, n, k]: Shape,
  transA: boolean, transB: boolean, alpha: number, beta: number): { want: Float64Array; scale: Float64Array } {
  const want = new Float64Array(m * n), scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0, t = 0;
      for (let p = 0; p < k; p++) {
        const x = (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
        s += x;
        t += Math.abs(x);
      }
      const cTerm = beta === 0 ? 0 : beta * c[i * n + j];
      want[i * n + j] = alpha * s + cTerm;
      scale[i * n + j] = Math.abs(alpha) * t + Math.abs(cTerm);
    }
  }
  return { want, scale };
}

const U32 = 2 ** -24;

/** F32 plus the dot-product term: a k-term float32 sum may be off by up to about (k + 2)·u·Σ|terms|
 *  (Higham, Accuracy and Stability of Numerical Algorithms, §3.1), which F32's atol does not cover
 *  where the terms cancel (a 129-term sum landing near 0.004 is off by ~2e-6). A lost or doubled
 *  term is off by ~|a·b| ≈ 0.1, far outside this bound. */
function expectGemmClose(got: ArrayLike<number>, want: Float64Array, scale: Float64Array, k: number, label: string): void {
  assert.is(got.length, want.length, `${label}: length`);
  for (let i = 0; i < want.length; i++) {
    const bound = F32.rtol * Math.abs(want[i]) + F32.atol + (k + 2) * U32 * scale[i];
    if (!(Math.abs(got[i] - want[i]) <= bound)) {
      assert.unreachable(`${label}: index ${i} is ${got[i]}, expected ${want[i]} (bound ${bound.toExponential(2)})`);
    }
  }
}

function checkAll(be: WasmBackend, shapes: Shape[], label: string): void {
  let seed = 1;
  for (const shape of shapes) {
    const [m, n, k] = shape;
    const a = f32(m * k, seed++), b = f32(k * n, seed++), c0 = f32(m * n, seed++);
    const A = be.alloc(m * k), B = be.alloc(k * n), C = be.alloc(m * n);
    be.write(A, a);
    be.write(B, b);
    for (const [transA, transB] of TRANSPOSES) {
      for (const [alpha, beta] of SCALES) {
        // beta = 0 must ignore C entirely, NaN included.
        be.write(C, beta === 0 ? new Float32Array(m * n).fill(NaN) : c0);
        be.run('gemm', { a: A, b: B, c: C, m, n, k, transA, transB, alpha, beta });
        const { want, scale } = reference(a, b, c0, shape, transA, transB, alpha, beta);
        expectGemmClose(be.read(C), want, scale, k, `${label} ${m}x${n}x${k} tA=${transA} tB=${transB} α=${alpha} β=${beta}`);
      }
    }
    for (const buf of [A, B, C]) be.dispose(buf);
  }
}

const plain = await createWasmBackend({ relaxed: false });
const relaxedOk = await relaxedSimdSupported();

test('plain SIMD build is the one loaded with relaxed: false', () => {
  assert.is(plain.variant, 'simd');
});

test('gemm matches a float64 triple loop (all transposes, alpha, beta, edge tiles)', () => {
  checkAll(plain, SHAPES, 'simd');
});

test('sgemmScratchBytes in TS (for estimates) equals the wasm export', () => {
  for (const m of [1, 4, 5, 127, 128, 129, 1000]) {
    for (const n of [1, 8, 9, 511, 512, 513, 3000]) {
      for (const k of [1, 383, 384, 385, 5000]) assert.is(sgemmScratchBytes(m, n, k), plain.fn('sgemmScratchBytes')(m, n, k), `${m}×${n}×${k}`);
    }
  }
});

test('beta = 0 over a NaN-filled C leaves no NaN', () => {
  const [m, n, k] = [13, 19, 5];
  const A = plain.alloc(m * k), B = plain.alloc(k * n), C = plain.alloc(m * n);
  plain.write(A, f32(m * k, 7));
  plain.write(B, f32(k * n, 8));
  plain.write(C, new Float32Array(m * n).fill(NaN));
  plain.run('gemm', { a: A, b: B, c: C, m, n, k, transA: false, transB: false, alpha: 1, beta: 0 });
  assert.ok(plain.read(C).every(Number.isFinite), 'C has a non-finite value');
});

test('k = 0 scales C by beta (an empty product)', () => {
  const C = plain.alloc(6), A = plain.alloc(0), B = plain.alloc(0);
  plain.write(C, [1, 2, 3, 4, 5, 6]);
  plain.run('gemm', { a: A, b: B, c: C, m: 2, n: 3, k: 0, transA: false, transB: false, alpha: 1, beta: 0.5 });
  assert.equal(Array.from(plain.read(C)), [0.5, 1, 1.5, 2, 2.5, 3]);
  plain.write(C, new Float32Array(6).fill(NaN));
  plain.run('gemm', { a: A, b: B, c: C, m: 2, n: 3, k: 0, transA: false, transB: false, alpha: 1, beta: 0 });
  assert.equal(Array.from(plain.read(C)), [0, 0, 0, 0, 0, 0]);
});

test('gemm rejects undersized, foreign and disposed buffers, naming the kernel', () => {
  const A = plain.alloc(6), B = plain.alloc(6), C = plain.alloc(3);
  const args = { a: A, b: B, c: C, m: 2, n: 2, k: 3, transA: false, transB: false, alpha: 1, beta: 0 };
  assert.throws(() => plain.run('gemm', args), /c has 3 elements, the kernel needs 4/);
  class OtherBuffer extends DeviceBuffer {}
  const C2 = plain.alloc(4);
  assert.throws(() => plain.run('gemm', { ...args, c: C2, a: new OtherBuffer('ref', 6, 'float') }), /kernel 'gemm'.*backend 'ref'/);
  plain.dispose(B);
  assert.throws(() => plain.run('gemm', { ...args, c: C2 }), /kernel 'gemm'.*disposed/);
});

/** C's columns computed with n ≤ 4 (assembly/gemm-skinny.ts streams A unpacked there) must equal,
 *  bit for bit, the same columns computed as part of a wider product (the packed 4×8 path): a
 *  sample's prediction may not depend on its batch. Rows with a tail, k over several k blocks. */
function checkSkinnyBits(be: WasmBackend, label: string): void {
  let seed = 100;
  for (const [m, k] of [[13, 7], [130, 1000], [5, 387], [64, 4608]] as const) {
    const wide = 16;
    const a = f32(m * k, seed++), bWide = f32(k * wide, seed++), c0 = f32(m * wide, seed++);
    for (const [transA, transB] of TRANSPOSES) {
      for (const [alpha, beta] of SCALES) {
        const A = be.alloc(m * k), B = be.alloc(k * wide), C = be.alloc(m * wide);
        be.write(A, a);
        be.write(B, bWide);
        be.write(C, c0);
        // op(B) of the wide product: k × 16 (or its transpose); its first n columns are the narrow B.
        be.run('gemm', { a: A, b: B, c: C, m, n: wide, k, transA, transB, alpha, beta });
        const full = be.read(C);
        for (let n = 1; n <= 5; n++) {
          const bn = new Float64Array(k * n), cn = new Float64Array(m * n);
          for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) bn[transB ? j * k + p : p * n + j] = bWide[transB ? j * k + p : p * wide + j];
          for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) cn[i * n + j] = c0[i * wide + j];
          const Bn = be.alloc(k * n), Cn = be.alloc(m * n);
          be.write(Bn, bn);
          be.write(Cn, cn);
          be.run('gemm', { a: A, b: Bn, c: Cn, m, n, k, transA, transB, alpha, beta });
          const got = be.read(Cn);
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) {
              if (!Object.is(got[i * n + j], full[i * wide + j])) {
                assert.unreachable(`${label} ${m}x${n}x${k} tA=${transA} tB=${transB} α=${alpha} β=${beta}: C[${i}, ${j}] is ${got[i * n + j]}, the wide product's ${full[i * wide + j]}`);
              }
            }
          }
          be.dispose(Bn);
          be.dispose(Cn);
        }
        for (const buf of [A, B, C]) be.dispose(buf);
      }
    }
  }
}

test('gemm with n ≤ 4 columns gives the wide product\'s columns bit for bit', () => {
  checkSkinnyBits(plain, 'simd');
});

if (relaxedOk) {
  const relaxed = await createWasmBackend({ relaxed: true });
  test('relaxed-SIMD build matches the float64 triple loop', () => {
    assert.is(relaxed.variant, 'relaxed');
    checkAll(relaxed, SHAPES, 'relaxed');
  });
  test('relaxed: gemm with n ≤ 4 columns gives the wide product\'s columns bit for bit', () => {
    checkSkinnyBits(relaxed, 'relaxed');
  });
  test("relaxed: 'auto' picks the relaxed build where it validates", async () => {
    assert.is((await createWasmBackend()).variant, 'relaxed');
  });
} else {
  console.log('wasm-gemm: relaxed-SIMD build skipped: WebAssembly.validate rejects it here ' +
    '(Node 20 needs --experimental-wasm-relaxed-simd)');
  test.skip('relaxed-SIMD build matches the float64 triple loop', () => {});
  test('relaxed: true fails clearly where the engine rejects relaxed SIMD', async () => {
    try {
      await createWasmBackend({ relaxed: true });
      assert.unreachable('createWasmBackend({ relaxed: true }) should throw');
    } catch (e) {
      assert.match(String(e), /rejects the relaxed-SIMD build/);
    }
  });
  test("relaxed: 'auto' falls back to the plain SIMD build", async () => {
    assert.is((await createWasmBackend()).variant, 'simd');
  });
}

test.run();
