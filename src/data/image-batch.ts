// Assembles one batch from the decoded-image cache: gather samples into [C, H, W, n] (batch
// innermost), subtract the mean, and when training apply pad-and-crop and horizontal flip.
import type { Random } from '../random.ts';

/** A mean to subtract: the training mean image ([C, H, W] values) or per-channel means (C values). */
export interface MeanImage {
  kind: 'image' | 'channel';
  shape: readonly [number, number, number];
  values: Float32Array;
}

export interface Augment {
  /** Pad each side by this many pixels, then crop back to H×W at a random offset (0 = no crop). */
  pad: number;
  /** Mirror left–right with probability 1/2. */
  flip: boolean;
  rng: Random;
}

/** The mean expanded to one value per feature (c, y, x). */
export function meanPerFeature(mean: MeanImage): Float32Array {
  const [C, H, W] = mean.shape;
  if (mean.kind === 'image') return mean.values;
  const out = new Float32Array(C * H * W);
  for (let c = 0; c < C; c++) out.fill(mean.values[c], c * H * W, (c + 1) * H * W);
  return out;
}

/** The mean over samples of `pixels` (count × C·H·W): per feature, or per channel. */
export function computeMean(pixels: Uint8Array, shape: readonly [number, number, number],
  kind: 'image' | 'channel'): MeanImage {
  const [C, H, W] = shape;
  const F = C * H * W;
  const count = pixels.length / F;
  const sum = new Float64Array(F);
  for (let s = 0; s < count; s++) {
    const base = s * F;
    for (let i = 0; i < F; i++) sum[i] += pixels[base + i];
  }
  if (kind === 'image') return { kind, shape, values: Float32Array.from(sum, (v) => v / count) };
  const values = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    let t = 0;
    for (let i = c * H * W; i < (c + 1) * H * W; i++) t += sum[i];
    values[c] = t / (count * H * W);
  }
  return { kind, shape, values };
}

/**
 * Samples order[start..start+n) → x [C, H, W, n] with x = pixel − mean. Under augmentation a
 * pixel that the crop takes from the padding is 0 in the output's scale (black without mean
 * subtraction, the mean colour with it); each sample draws its offsets, then its flip.
 */
export function fillImageBatch(pixels: Uint8Array, allLabels: Int32Array,
  shape: readonly [number, number, number], order: Uint32Array, start: number, n: number,
  mean: Float32Array | null, aug: Augment | null): { x: Float32Array; labels: Int32Array } {
  const [C, H, W] = shape;
  const F = C * H * W;
  const x = new Float32Array(F * n);
  const labels = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const s = order[start + j];
    labels[j] = allLabels[s];
    const base = s * F;
    let dy = 0, dx = 0, flip = false;
    if (aug !== null) {
      if (aug.pad > 0) {
        dy = aug.rng.int(2 * aug.pad + 1) - aug.pad;
        dx = aug.rng.int(2 * aug.pad + 1) - aug.pad;
      }
      if (aug.flip) flip = aug.rng.uniform() < 0.5;
    }
    if (dy === 0 && dx === 0 && !flip) {
      for (let i = 0, o = j; i < F; i++, o += n) x[o] = mean === null ? pixels[base + i] : pixels[base + i] - mean[i];
      continue;
    }
    for (let c = 0; c < C; c++) {
      for (let y = 0; y < H; y++) {
        const sy = y + dy;
        const row = c * H * W + y * W;
        for (let xx = 0; xx < W; xx++) {
          const sx = (flip ? W - 1 - xx : xx) + dx;
          const i = row + xx;
          if (sy < 0 || sy >= H || sx < 0 || sx >= W) continue;
          const k = c * H * W + sy * W + sx;
          x[i * n + j] = mean === null ? pixels[base + k] : pixels[base + k] - mean[k];
        }
      }
    }
  }
  return { x, labels };
}
