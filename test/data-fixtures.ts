// Shared by the suites (first the test/data-*.test.ts ones): error assertions, batch collection,
// temporary folders, and small images encoded on the fly into them.
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodePng, type ImageData as PngImageData } from 'fast-png';
import jpeg from 'jpeg-js';
import type { Batch, DataIterator } from '../src/data/iterator.ts';
import './temp-cache-dir.ts';

/** Awaits fn and returns what it threw; fails the test when it throws nothing. */
export async function thrown(fn: () => unknown, expected = 'an error'): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  assert.unreachable(`expected ${expected}, none was thrown`);
  return undefined; // not reached: unreachable() throws (its type says void)
}

/** Awaits fn and asserts it throws an error whose message includes every string part and matches
 *  every RegExp part. Returns the message, for further checks. */
export async function throwsWith(fn: () => unknown, ...parts: (string | RegExp)[]): Promise<string> {
  const e = await thrown(fn, `an error mentioning ${parts.join(', ')}`);
  const msg = e instanceof Error ? e.message : String(e);
  for (const p of parts) {
    const ok = typeof p === 'string' ? msg.includes(p) : p.test(msg);
    assert.ok(ok, `message "${msg}" should mention ${typeof p === 'string' ? `"${p}"` : String(p)}`);
  }
  return msg;
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
