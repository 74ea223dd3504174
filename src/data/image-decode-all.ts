// Decodes a list of images into one compact 8-bit buffer at the model's input shape. Reads run a
// few files ahead of the (synchronous, CPU-bound) decodes so disk latency hides behind them.
import type { CachedImages } from './image-cache.ts';
import { sniffFormat } from './image-decode.ts';
import { checkImagePixels, DEFAULT_MAX_IMAGE_PIXELS } from './image-size.ts';
import { toModelInput } from './image-ops.ts';
import { nodeImageSource, type ImageSource } from './image-source.ts';

export interface ImageEntry {
  /** What the source reads (a file path in Node). */
  path: string;
  label: number;
  /** How errors name the image (the path as the listing wrote it). */
  name: string;
  /** Where the listing gives it, for label errors (e.g. "line 7 ('img/7.png')"); default the name. */
  row?: string;
}

const READ_AHEAD = 16;

export async function decodeAll(entries: readonly ImageEntry[], shape: readonly [number, number, number],
  source: ImageSource, skipBad: boolean, progress: (done: number, total: number) => void,
  maxPixels = DEFAULT_MAX_IMAGE_PIXELS): Promise<CachedImages> {
  const F = shape[0] * shape[1] * shape[2];
  const total = entries.length;
  const pixels = new Uint8Array(total * F);
  const labels = new Int32Array(total);
  const skipped: string[] = [];
  const pending = new Map<number, Promise<Uint8Array | Error>>();
  const startRead = (i: number) => {
    if (i < total) {
      pending.set(i, source.read(entries[i].path).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))));
    }
  };
  for (let i = 0; i < READ_AHEAD; i++) startRead(i);
  let kept = 0;
  const step = Math.max(1, Math.floor(total / 100));
  for (let i = 0; i < total; i++) {
    const bytes = await pending.get(i)!;
    pending.delete(i);
    startRead(i + READ_AHEAD);
    const e = entries[i];
    try {
      if (bytes instanceof Error) throw bytes;
      // The pixel limit holds whatever the source's decoder; nodeImageSource (decodeImage) sniffs the
      // format and checks it itself, so only other sources are checked here.
      const format = source === nodeImageSource ? null : sniffFormat(bytes);
      if (format !== null) checkImagePixels(bytes, format, e.name, maxPixels);
      const img = await source.decode(bytes, e.name, maxPixels);
      pixels.set(toModelInput(img, shape), kept * F);
      labels[kept++] = e.label;
    } catch (err) {
      if (!skipBad) {
        await Promise.allSettled(pending.values());
        throw err instanceof Error ? err : new Error(String(err));
      }
      skipped.push(e.name);
    }
    if ((i + 1) % step === 0 || i + 1 === total) progress(i + 1, total);
  }
  return {
    shape,
    labels: kept === total ? labels : labels.slice(0, kept),
    pixels: kept === total ? pixels : pixels.slice(0, kept * F),
    skipped,
  };
}
