// Pixel operations on 8-bit row-major HWC images: bilinear resize, grey conversion, and the
// conversion to the model's [C, H, W] layout.
import type { DecodedImage } from './image-decode.ts';

/** An 8-bit row-major HWC image with any channel count. */
export interface PixelImage {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
}

/**
 * Bilinear resize with half-pixel centres (source x = (X + 0.5)·srcW/dstW − 0.5, clamped to the
 * edge), the convention of PIL, OpenCV and torch's align_corners=false; results round to nearest.
 * A constant image stays constant; there is no anti-alias prefilter, so strong downscaling aliases.
 */
export function resizeBilinear(img: PixelImage, height: number, width: number): PixelImage {
  const { width: sw, height: sh, channels: C, data } = img;
  if (!(Number.isInteger(height) && height > 0 && Number.isInteger(width) && width > 0)) {
    throw new Error(`resizeBilinear: target size must be positive integers, got ${height}×${width}`);
  }
  if (sw === width && sh === height) return { width, height, channels: C, data: data.slice() };
  const xs = axisTaps(sw, width);
  const ys = axisTaps(sh, height);
  const out = new Uint8Array(width * height * C);
  for (let y = 0; y < height; y++) {
    const r0 = ys.i0[y] * sw, r1 = ys.i1[y] * sw, wy = ys.w[y];
    for (let x = 0; x < width; x++) {
      const c00 = (r0 + xs.i0[x]) * C, c01 = (r0 + xs.i1[x]) * C;
      const c10 = (r1 + xs.i0[x]) * C, c11 = (r1 + xs.i1[x]) * C;
      const wx = xs.w[x];
      const o = (y * width + x) * C;
      for (let c = 0; c < C; c++) {
        const top = data[c00 + c] + wx * (data[c01 + c] - data[c00 + c]);
        const bot = data[c10 + c] + wx * (data[c11 + c] - data[c10 + c]);
        out[o + c] = Math.round(top + wy * (bot - top));
      }
    }
  }
  return { width, height, channels: C, data: out };
}

/** For each output coordinate: the two source neighbours and the weight of the second. */
function axisTaps(src: number, dst: number): { i0: Int32Array; i1: Int32Array; w: Float64Array } {
  const i0 = new Int32Array(dst), i1 = new Int32Array(dst), w = new Float64Array(dst);
  const scale = src / dst;
  for (let d = 0; d < dst; d++) {
    const s = Math.min(Math.max((d + 0.5) * scale - 0.5, 0), src - 1);
    const f = Math.floor(s);
    i0[d] = f;
    i1[d] = Math.min(f + 1, src - 1);
    w[d] = s - f;
  }
  return { i0, i1, w };
}

/** ITU-R BT.601 luma (PIL's convert('L')): 0.299 R + 0.587 G + 0.114 B, rounded. */
export function toGray(img: DecodedImage | PixelImage): PixelImage {
  const { width, height, data } = img;
  if (img.channels === 1) return { width, height, channels: 1, data: data.slice() };
  if (img.channels !== 3) throw new Error(`toGray: expected 1 or 3 channels, got ${img.channels}`);
  const out = new Uint8Array(width * height);
  for (let p = 0, q = 0; p < out.length; p++, q += 3) {
    out[p] = Math.round(0.299 * data[q] + 0.587 * data[q + 1] + 0.114 * data[q + 2]);
  }
  return { width, height, channels: 1, data: out };
}

/**
 * A decoded RGB image → the model's input [C, H, W] as 8-bit CHW: grey first when C = 1 (cheaper
 * to resize one channel), then resize to H×W, then HWC → CHW.
 */
export function toModelInput(img: DecodedImage, shape: readonly [number, number, number]): Uint8Array {
  const [C, H, W] = shape;
  if (C !== 1 && C !== 3) throw new Error(`image input must have 1 or 3 channels, got ${C}`);
  const src: PixelImage = C === 1 ? toGray(img) : img;
  const sized = src.width === W && src.height === H ? src : resizeBilinear(src, H, W);
  const out = new Uint8Array(C * H * W);
  const plane = H * W;
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < C; c++) out[c * plane + p] = sized.data[p * C + c];
  }
  return out;
}
