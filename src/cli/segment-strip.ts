// The picture `argon train --task segmentation` saves: a PNG strip with one column per test image
// and three rows — the input (grey), the true mask and the predicted mask (one colour per class:
// background black, the ten garments in the tab10 palette, in FASHION_MNIST_CLASSES order).

/** RGB per class: background, then T-shirt/top … Ankle boot. */
export const MASK_PALETTE: readonly (readonly [number, number, number])[] = [
  [0, 0, 0], [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
];

export interface StripSample {
  /** H·W grey values, 0–255, row-major. */
  image: ArrayLike<number>;
  truth: ArrayLike<number>;
  predicted: ArrayLike<number>;
}

/** RGB pixels of the strip (width × height × 3): each cell scaled by `scale`, `gap` white pixels
 *  between cells. */
export function stripPixels(samples: readonly StripSample[], h: number, w: number, scale = 3, gap = 4): { width: number; height: number; data: Uint8Array } {
  const cw = w * scale, ch = h * scale;
  const width = samples.length * (cw + gap) + gap, height = 3 * (ch + gap) + gap;
  const data = new Uint8Array(width * height * 3).fill(255);
  const put = (x0: number, y0: number, rgb: (i: number) => readonly [number, number, number]) => {
    for (let y = 0; y < ch; y++) for (let x = 0; x < cw; x++) {
      const c = rgb(Math.floor(y / scale) * w + Math.floor(x / scale));
      const o = ((y0 + y) * width + x0 + x) * 3;
      data[o] = c[0]; data[o + 1] = c[1]; data[o + 2] = c[2];
    }
  };
  const colour = (labels: ArrayLike<number>) => (i: number) => MASK_PALETTE[labels[i]] ?? [255, 255, 255];
  samples.forEach((s, k) => {
    const x0 = gap + k * (cw + gap);
    put(x0, gap, (i) => { const v = Math.max(0, Math.min(255, Math.round(s.image[i]))); return [v, v, v]; });
    put(x0, gap + (ch + gap), colour(s.truth));
    put(x0, gap + 2 * (ch + gap), colour(s.predicted));
  });
  return { width, height, data };
}

/** Writes the strip as an 8-bit RGB PNG (fast-png, already a dependency for decoding). */
export async function writeStripPng(path: string, samples: readonly StripSample[], h: number, w: number): Promise<void> {
  const { encode } = await import('fast-png');
  const fs = await import('node:fs/promises');
  const { width, height, data } = stripPixels(samples, h, w);
  await fs.writeFile(path, encode({ width, height, data, channels: 3, depth: 8 }));
}
