// How a kernel call is split into `nparts` parts that threads take in turn (src/backends/wasm/
// threads.ts). Every parallel kernel takes trailing (part, nparts) arguments and works on its share
// only; nparts ≤ 1 means the whole range. Kernels with scratch also take the running thread's index
// and use its own scratch slot. Each output element is computed by exactly one part, with the same
// arithmetic in the same order whatever nparts is, so results are bit-identical for any thread
// count. Boundaries between element ranges fall on multiples of 16 floats (64 bytes): each part's
// f32x4 body covers its range and only the global tail runs the scalar loop, as with one thread.

/** Element alignment of part boundaries (one 64-byte cache line of f32). */
export const PART_ALIGN: i32 = 16;

/** First index of part `part` of [0, n) split `nparts` ways, a multiple of `align`; part ≥ nparts
 *  (and part ≥ 1 when nparts ≤ 1) gives n, so [partStart(p), partStart(p + 1)) is part p's range. */
// @ts-ignore: decorator
@inline export function partStart(n: i32, part: i32, nparts: i32, align: i32): i32 {
  if (nparts <= 1) return part <= 0 ? 0 : n;
  if (part >= nparts) return n;
  const s = <i32>((<i64>n * <i64>part) / <i64>nparts);
  return s / align * align;
}

/** Parts clamped to ≥ 1 (a host that passes no split passes 0). */
// @ts-ignore: decorator
@inline export function partCount(nparts: i32): i32 {
  return nparts < 1 ? 1 : nparts;
}
