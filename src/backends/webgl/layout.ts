// Packed storage of the webgl backend. Every buffer is one RGBA32F texture holding four consecutive
// values per texel: value i sits in texel i >> 2, channel i & 3, and texel t at column
// t & (width − 1), row t >> log2(width). The width is a power of two, so a shader turns a flat texel
// index into texture coordinates with a mask and a shift, never an integer division (the old
// layout of one value per R32F texel needed about three exact-integer divisions per fetch).
// Buffers of one size share one layout, so an elementwise kernel reads every input at its own
// output coordinate.

export interface PackedLayout {
  /** Values stored (the buffer's size). */
  size: number;
  /** Texels used: ⌈size / 4⌉ (at least 1, so that an empty buffer still has a texture). */
  texels: number;
  /** Texture width: a power of two. */
  width: number;
  height: number;
  /** log2(width): texel t is at (t & (width − 1), t >> shift). */
  shift: number;
}

/** The largest power of two ≤ n. */
function floorPow2(n: number): number {
  return 2 ** Math.floor(Math.log2(n));
}

/** Most values one texture of this GPU can hold in the packed layout. */
export function packedCapacity(maxTextureSize: number): number {
  return floorPow2(maxTextureSize) * maxTextureSize * 4;
}

/** The near-square layout for `texels` texels: width the power of two at or above √texels
 *  (capped at the texture limit), height what is left over. Throws past MAX_TEXTURE_SIZE. */
export function texelGrid(texels: number, maxTextureSize: number, what: string): PackedLayout {
  const t = Math.max(1, texels);
  const cap = floorPow2(maxTextureSize);
  let width = Math.min(cap, 2 ** Math.ceil(Math.log2(Math.ceil(Math.sqrt(t)))));
  // gpu.js lays a one-row output out as a near-square texture of its own shape
  // (utils.getKernelTextureSize), so no grid here has one row and several columns.
  if (t === 2) width = 1;
  const height = Math.ceil(t / width);
  if (height > maxTextureSize) {
    throw new Error(`webgl backend: ${what} needs ${t} texels, more than one texture holds: MAX_TEXTURE_SIZE is ` +
      `${maxTextureSize} here, so at most ${cap}×${maxTextureSize} texels of 4 values (${packedCapacity(maxTextureSize)} ` +
      'values) per buffer (use a smaller batch, or the cpu backend)');
  }
  return { size: t * 4, texels: t, width, height, shift: Math.log2(width) };
}

/** The packed layout of a buffer of `size` values. */
export function packedLayout(size: number, maxTextureSize: number, what = `a buffer of ${size} values`): PackedLayout {
  const grid = texelGrid(Math.ceil(size / 4), maxTextureSize, what);
  return { ...grid, size };
}
