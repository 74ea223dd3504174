// Converting what users hand the model into Argon's layout: rows of samples (NCHW / N×F, the
// user's layout) into batches [...shape, n] with the batch innermost, and outputs back to rows.
import { sizeOf, shapeString } from '../shape.ts';

/** rows: n samples of `features` values each, sample-major → [features, n], batch innermost. */
export function rowsToBatch(rows: ArrayLike<number>, start: number, n: number, features: number): Float32Array {
  const out = new Float32Array(features * n);
  for (let j = 0; j < n; j++) {
    const base = (start + j) * features;
    for (let i = 0; i < features; i++) out[i * n + j] = rows[base + i];
  }
  return out;
}

/** [nout, n] batch-innermost → rows [n, nout] written at row `start` of `into`. */
export function batchToRows(batch: ArrayLike<number>, n: number, nout: number, into: Float32Array, start: number): void {
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < nout; k++) into[(start + j) * nout + k] = batch[k * n + j];
  }
}

export function checkRows(op: string, rows: ArrayLike<number>, inputShape: readonly number[]): number {
  const features = sizeOf(inputShape);
  if (rows.length === 0 || rows.length % features !== 0) {
    throw new Error(`${op}: ${rows.length} values are not a whole number of samples of shape ${shapeString(inputShape)} (${features} values each)`);
  }
  return rows.length / features;
}

/** Browser ImageData (RGBA, row-major) without depending on the DOM types at run time. */
export interface ImageDataLike { data: ArrayLike<number>; width: number; height: number }

export function isImageData(v: unknown): v is ImageDataLike {
  return typeof v === 'object' && v !== null && 'data' in v && 'width' in v && 'height' in v;
}

/** One image for predict → CHW values (0–255) of the model's [C, H, W] input: rows as given, a
 *  browser ImageData (RGBA), or (Node) a JPEG/PNG path decoded in pure JS and resized. */
export async function imageToChw(image: Float32Array | ImageDataLike | string, shape: readonly number[]): Promise<ArrayLike<number>> {
  if (typeof image !== 'string' && !isImageData(image)) {
    if (image.length !== sizeOf(shape)) throw new Error(`predict: expected ${sizeOf(shape)} values for one ${shapeString(shape)} sample, got ${image.length}`);
    return image;
  }
  if (shape.length !== 3) throw new Error(`predict: images need a [C, H, W] input, the model takes ${shapeString(shape)}`);
  const { toModelInput } = await import('../data/image-ops.ts');
  let rgb: { width: number; height: number; channels: 3; data: Uint8Array };
  if (typeof image === 'string') {
    const { nodeImageSource } = await import('../data/image-source.ts');
    rgb = await nodeImageSource.decode(await nodeImageSource.read(image), image);
  } else {
    const data = new Uint8Array(image.width * image.height * 3);
    for (let p = 0; p < image.width * image.height; p++) for (let c = 0; c < 3; c++) data[p * 3 + c] = image.data[p * 4 + c];
    rgb = { width: image.width, height: image.height, channels: 3, data };
  }
  return toModelInput(rgb, [shape[0], shape[1], shape[2]]);
}
