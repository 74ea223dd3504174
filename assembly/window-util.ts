// Helpers shared by the window kernels (im2col.ts, conv-forward.ts, conv-backward.ts, pool.ts):
// the geometry block's fields, f32 row copies and adds, and the range of valid output columns.
// Geometry block `g`: 20 i32 written by the glue (src/backends/wasm/kernels/common.ts):
//   0 channels, 1 batch, 2-4 inSize D H W, 5-7 window T R S, 8-10 stride, 11-13 pad,
//   14-16 dilation, 17-19 outSize OD OH OW.

// @ts-ignore: decorator
@inline export function gi(g: usize, i: i32): i32 {
  return load<i32>(g + (<usize>i << 2));
}

/** dst[i] = src[i] for i < n (f32). */
// @ts-ignore: decorator
@inline export function copyF32(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, v128.load(src + o));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(src + o));
  }
}

/** dst[i] += src[i] for i < n (f32). */
// @ts-ignore: decorator
@inline export function addF32(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

/** First output index o in [0, count) with o·stride + base ≥ 0. */
// @ts-ignore: decorator
@inline export function firstValid(base: i32, stride: i32, count: i32): i32 {
  const lo = base >= 0 ? 0 : (stride - 1 - base) / stride;
  return min(lo, count);
}

/** One past the last output index o in [0, count) with o·stride + base < size (≥ lo). */
// @ts-ignore: decorator
@inline export function endValid(base: i32, stride: i32, size: i32, count: i32, lo: i32): i32 {
  const hi = base >= size ? 0 : min((size - 1 - base) / stride + 1, count);
  return max(hi, lo);
}
