// The wasm backend's storage: zero-filled aligned blocks, round trips, survival across memory.grow,
// block reuse, errors for disposed buffers and out-of-bounds writes, and the memory statistics.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createWasmBackend, WasmBuffer } from '../src/backends/wasm/backend.ts';
import { sizeClass, WasmHeap } from '../src/backends/wasm/memory.ts';

const be = await createWasmBackend({ relaxed: false });

function wasmBuf(b: unknown): WasmBuffer {
  assert.instance(b, WasmBuffer);
  return b as WasmBuffer;
}

test('alloc is zero-filled and 64-byte aligned, also when a freed block is reused', () => {
  for (const size of [0, 1, 7, 16, 33, 1000, 5000]) {
    const b = wasmBuf(be.alloc(size));
    assert.is(b.ptr % 64, 0, `size ${size}: ptr ${b.ptr}`);
    assert.ok(be.read(b).every((v) => v === 0), `size ${size} not zero`);
    be.write(b, new Float32Array(size).fill(3.5));
    be.dispose(b);
    const again = wasmBuf(be.alloc(size));
    assert.ok(be.read(again).every((v) => v === 0), `size ${size} reused block not zero`);
    be.dispose(again);
  }
});

test('write/read round trip for float and int32 buffers, with an offset', () => {
  const f = be.alloc(5);
  be.write(f, [1.5, -2.25, 1e-30, 3e38, -0]);
  assert.equal(Array.from(be.read(f)), [1.5, -2.25, Math.fround(1e-30), Math.fround(3e38), -0]);
  be.write(f, [7, 8], 3);
  assert.equal(Array.from(be.read(f)), [1.5, -2.25, Math.fround(1e-30), 7, 8]);
  const r = be.read(f);
  assert.instance(r, Float32Array);
  r[0] = 99;
  assert.is(be.read(f)[0], 1.5, 'read must return a copy');

  const i = be.alloc(4, 'int32');
  assert.is(i.kind, 'int32');
  be.write(i, [-5, 2147483647, -2147483648, 42]);
  const ri = be.read(i);
  assert.instance(ri, Int32Array);
  assert.equal(Array.from(ri), [-5, 2147483647, -2147483648, 42]);
  be.dispose(f);
  be.dispose(i);
});

test('writes out of bounds throw and change nothing', () => {
  const b = be.alloc(4);
  be.write(b, [1, 2, 3, 4]);
  assert.throws(() => be.write(b, [1, 2, 3, 4, 5]), /do not fit a buffer of 4/);
  assert.throws(() => be.write(b, [1, 2], 3), /do not fit/);
  assert.throws(() => be.write(b, [1], -1), /do not fit/);
  assert.throws(() => be.write(b, [1], 0.5), /do not fit/);
  assert.equal(Array.from(be.read(b)), [1, 2, 3, 4]);
  be.dispose(b);
});

test('data survives memory.grow', () => {
  const keep = be.alloc(1000);
  const values = Float32Array.from({ length: 1000 }, (_, i) => i * 0.5 - 7);
  be.write(keep, values);
  const before = be.memory().reservedBytes;
  const big = be.alloc(4 * 1024 * 1024); // 16 MiB: more than the memory holds now
  assert.ok(be.memory().reservedBytes > before, 'memory did not grow');
  assert.equal(Array.from(be.read(keep)), Array.from(values));
  be.write(big, [1, 2, 3], 4 * 1024 * 1024 - 3);
  assert.equal(Array.from(be.read(big).subarray(-3)), [1, 2, 3]);
  be.dispose(big);
  be.dispose(keep);
});

test('freed blocks are reused: an alloc/dispose loop does not grow memory', () => {
  const first = wasmBuf(be.alloc(3000));
  be.dispose(first);
  const base = be.memory();
  for (let i = 0; i < 200; i++) {
    const a = wasmBuf(be.alloc(3000)), b = be.alloc(17, 'int32');
    assert.is(a.ptr, first.ptr, 'same-size block not reused');
    be.dispose(b);
    be.dispose(a);
  }
  const after = be.memory();
  assert.is(after.bytesInUse, base.bytesInUse);
  assert.is(after.buffers, base.buffers);
  assert.is(after.reservedBytes, base.reservedBytes);
});

test('use after dispose throws; disposing twice is harmless', () => {
  const b = be.alloc(8);
  be.dispose(b);
  assert.ok(b.disposed);
  be.dispose(b);
  assert.throws(() => be.read(b), /disposed/);
  assert.throws(() => be.write(b, [1]), /disposed/);
  const c = be.alloc(8);
  assert.throws(() => be.run('gemm', { a: b, b: c, c, m: 2, n: 2, k: 2, transA: false, transB: false, alpha: 1, beta: 0 }), /disposed/);
  be.dispose(c);
});

test('buffers of another wasm backend are refused', async () => {
  const other = await createWasmBackend({ relaxed: false });
  const b = other.alloc(4);
  assert.throws(() => be.read(b), /another 'wasm' backend/);
  assert.throws(() => be.dispose(b), /another 'wasm' backend/);
});

test('stats: bytesInUse, buffers, peak and resetPeak', () => {
  const s0 = be.memory();
  const a = be.alloc(100), b = be.alloc(50, 'int32');
  let s = be.memory();
  assert.is(s.bytesInUse - s0.bytesInUse, 600);
  assert.is(s.buffers - s0.buffers, 2);
  assert.ok(s.peakBytes >= s.bytesInUse);
  assert.is(s.reservedBytes % 65536, 0);
  be.dispose(a);
  s = be.memory();
  assert.is(s.bytesInUse - s0.bytesInUse, 200);
  assert.ok(s.peakBytes >= s0.bytesInUse + 600);
  be.resetPeak();
  assert.is(be.memory().peakBytes, s.bytesInUse);
  be.dispose(b);
  assert.is(be.memory().bytesInUse, s0.bytesInUse);
});

test('alloc rejects bad sizes', () => {
  assert.throws(() => be.alloc(-1), /non-negative integer/);
  assert.throws(() => be.alloc(2.5), /non-negative integer/);
});

test('size classes: at least the request, multiples of 64, at most 12.5% slack above 4 KiB', () => {
  for (let bytes = 0; bytes < 1 << 22; bytes = Math.floor(bytes * 1.07) + 1) {
    const c = sizeClass(bytes);
    assert.ok(c >= bytes && c % 64 === 0, `class ${c} for ${bytes}`);
    if (bytes > 4096) assert.ok(c <= bytes * 1.125, `class ${c} for ${bytes} wastes too much`);
  }
});

test('scratch is aligned, reused while big enough, and grows on demand', () => {
  const heap = new WasmHeap(new WebAssembly.Memory({ initial: 1 }), 100);
  const s1 = heap.scratch(1000);
  assert.is(s1 % 64, 0);
  assert.ok(s1 >= 100);
  assert.is(heap.scratch(500), s1);
  const s2 = heap.scratch(200000);
  assert.ok(heap.stats().reservedBytes >= s2 + 200000);
  assert.is(heap.stats().bytesInUse, 0, 'scratch is not a buffer');
  // The outgrown block ended at the bump pointer, so its bytes went back there: the bigger scratch
  // starts where the old one did, and a later allocation comes after it.
  assert.is(s2, s1, 'the outgrown scratch block is reused');
  assert.ok(heap.alloc(1000) >= s2 + 200000);
});

test.run();
