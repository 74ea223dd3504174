// Shared by the test/data-*.test.ts suites: error assertions, batch collection, and small images
// encoded on the fly into a temporary folder.
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodePng, type ImageData as PngImageData } from 'fast-png';
import jpeg from 'jpeg-js';
import type { Batch, DataIterator } from '../src/data/iterator.ts';
import './temp-cache-dir.ts';

export async function throwsWith(fn: () => unknown, ...parts: string[]): Promise<void> {
  try {
    await fn();
  } catch (e) {
    const msg = (e as Error).message;
    for (const p of parts) assert.ok(msg.includes(p), `message "${msg}" should mention "${p}"`);
    return;
  }
  assert.unreachable(`expected an error mentioning ${parts.join(', ')}`);
}

export async function collect(it: DataIterator): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of it.batches()) out.push(b);
  return out;
}

/** A fresh temporary folder and its remover. */
export function tempDir(tag: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `argon-${tag}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** An 8-bit PNG of w×h with `channels` samples per pixel from f(x, y, c). */
export function png(w: number, h: number, channels: number, f: (x: number, y: number, c: number) => number,
  extra: Partial<PngImageData> = {}): Uint8Array {
  const data = new Uint8Array(w * h * channels);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < channels; c++) {
    data[(y * w + x) * channels + c] = f(x, y, c);
  }
  return encodePng({ width: w, height: h, channels, depth: 8, data, ...extra });
}

/** A JPEG (quality 100) of an RGB function. */
export function jpg(w: number, h: number, f: (x: number, y: number, c: number) => number): Uint8Array {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    for (let c = 0; c < 3; c++) data[(y * w + x) * 4 + c] = f(x, y, c);
    data[(y * w + x) * 4 + 3] = 255;
  }
  return new Uint8Array(jpeg.encode({ width: w, height: h, data }, 100).data);
}

export function write(dir: string, name: string, bytes: Uint8Array | string): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}
